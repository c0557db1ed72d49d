import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { makeWorkdir, startStdio } from "./test/harness.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The folder the README's packaging commands write the tarballs to; the test uses its own. */
const DOCUMENTED_DESTINATION = "/tmp/boris-tarballs";
/** Both binaries and everything they depend on inside the workspace. */
const PACKAGES = [
  "packages/process-group",
  "packages/session",
  "packages/tools",
  "packages/config",
  "apps/cli-server",
  "apps/http-server",
];
const nameOf = (dir: string) => dir.split("/")[1]!;
const sourceVersion = (dir: string) =>
  JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8")).version;

const temp = mkdtempSync(join(tmpdir(), "boris-pack-"));
const workdir = makeWorkdir();
afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
  rmSync(workdir, { recursive: true, force: true });
});

/** The commands of the README's packaging block (between the `packaging-commands` markers). */
function documentedCommands(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = /<!-- packaging-commands -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README.md has no ```sh block after <!-- packaging-commands -->");
  expect(block).toContain(DOCUMENTED_DESTINATION);
  return block;
}

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
  it("the README's commands pack and globally install both binaries, which run", {
    timeout: 300_000,
  }, async () => {
    const tarballs = join(temp, "tarballs");
    const prefix = join(temp, "global");
    const script = documentedCommands().replaceAll(DOCUMENTED_DESTINATION, tarballs);
    // Exactly the documented commands; npm's global prefix points into the temp folder.
    const env: NodeJS.ProcessEnv = { ...process.env, npm_config_prefix: prefix };
    delete env.npm_config_verify_deps_before_run; // set by pnpm for its scripts; npm warns about it
    await run("bash", ["-euo", "pipefail", "-c", script], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 });

    expect(readdirSync(tarballs).sort()).toEqual(
      PACKAGES.map((dir) => `boris-mcp-${nameOf(dir)}-${sourceVersion(dir)}.tgz`).sort(),
    );
    const installedDir = (name: string) => join(prefix, "lib", "node_modules", "@boris-mcp", name);
    const versionOf = (name: string) =>
      JSON.parse(readFileSync(join(installedDir(name), "package.json"), "utf8")).version;
    for (const name of PACKAGES.map(nameOf)) {
      expect(readdirSync(installedDir(name))).toEqual(expect.arrayContaining(["LICENSE", "README.md"]));
      expect(readFileSync(join(installedDir(name), "LICENSE"), "utf8")).toMatch(/^MIT License/);
      const pkg = JSON.parse(readFileSync(join(installedDir(name), "package.json"), "utf8"));
      for (const range of Object.values(pkg.dependencies ?? {})) expect(range).not.toContain("workspace:");
    }

    const bin = join(prefix, "bin", "boris");
    expect((await run(bin, ["--version"], { cwd: temp })).stdout.trim()).toBe(versionOf("cli-server"));
    const httpBin = join(prefix, "bin", "boris-http");
    expect((await run(httpBin, ["--version"], { cwd: temp })).stdout.trim()).toBe(versionOf("http-server"));

    const fromPackage = await toolNames(bin, ["--workdir", workdir]);
    const built = join(ROOT, "apps/cli-server/dist/main.js");
    const fromWorkspace = await toolNames(process.execPath, [built, "--workdir", workdir]);
    expect(fromPackage.length).toBeGreaterThan(0);
    expect(fromPackage).toEqual(fromWorkspace);
  });
});
