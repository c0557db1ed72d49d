import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { makeWorkdir, startStdio } from "./test/harness.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** Both binaries and everything they depend on inside the workspace. */
const PACKAGES = [
  "packages/process-group",
  "packages/session",
  "packages/tools",
  "packages/config",
  "apps/cli-server",
  "apps/http-server",
];

const temp = mkdtempSync(join(tmpdir(), "boris-pack-"));
const workdir = makeWorkdir();
afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
  rmSync(workdir, { recursive: true, force: true });
});

async function toolNames(command: string, args: string[]): Promise<string[]> {
  const server = await startStdio([], { command, commandArgs: args });
  try {
    return (await server.client.listTools()).tools.map((t) => t.name);
  } finally {
    server.child.stdin!.end();
    await server.exited;
  }
}

describe("packaging", () => {
  it("packs, installs from a clean folder and runs both binaries", { timeout: 180_000 }, async () => {
    const tarballs = join(temp, "tarballs");
    const install = join(temp, "install");
    mkdirSync(tarballs);
    mkdirSync(install);
    // pnpm pack rewrites workspace:* into real versions, as publishing does.
    const pack = (dir: string) =>
      run("npx", ["--yes", "pnpm@10.34.9", "pack", "--pack-destination", tarballs], { cwd: join(ROOT, dir) });
    await Promise.all(PACKAGES.map(pack));
    const files = readdirSync(tarballs).map((f) => join(tarballs, f));
    expect(files).toHaveLength(PACKAGES.length);
    writeFileSync(join(install, "package.json"), JSON.stringify({ name: "boris-pack-check", private: true }));
    // --ignore-scripts: the ripgrep download is not needed to start the server.
    const npmArgs = ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", ...files];
    await run("npm", npmArgs, { cwd: install });

    const installedDir = (dir: string) => join(install, "node_modules", "@boris-mcp", dir.split("/")[1]!);
    const versionOf = (dir: string) =>
      JSON.parse(readFileSync(join(installedDir(dir), "package.json"), "utf8")).version;
    for (const dir of PACKAGES) {
      expect(readdirSync(installedDir(dir))).toContain("README.md");
      const pkg = JSON.parse(readFileSync(join(installedDir(dir), "package.json"), "utf8"));
      for (const range of Object.values(pkg.dependencies ?? {})) expect(range).not.toContain("workspace:");
    }

    const bin = join(install, "node_modules", ".bin", "boris");
    expect((await run(bin, ["--version"], { cwd: install })).stdout.trim()).toBe(
      versionOf("apps/cli-server"),
    );
    const httpBin = join(install, "node_modules", ".bin", "boris-http");
    expect((await run(httpBin, ["--version"], { cwd: install })).stdout.trim()).toBe(
      versionOf("apps/http-server"),
    );

    const fromPackage = await toolNames(bin, ["--workdir", workdir]);
    const built = join(ROOT, "apps/cli-server/dist/main.js");
    const fromWorkspace = await toolNames(process.execPath, [built, "--workdir", workdir]);
    expect(fromPackage.length).toBeGreaterThan(0);
    expect(fromPackage).toEqual(fromWorkspace);
  });
});
