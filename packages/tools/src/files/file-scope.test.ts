// Path scoping (SPEC §5) as the file tools apply it, through the MCP client.
import { mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPathScope } from "../scope/path-scope.js";
import {
  connect,
  errorOf,
  type Harness,
  okText,
  removeDir,
  tempDir,
  testConfig,
} from "../test/file-support.js";

let root: string;
let project: string;
let outside: string;
let h: Harness;

beforeAll(async () => {
  root = await tempDir("boris-scoped-");
  project = path.join(root, "project");
  outside = path.join(root, "outside");
  await mkdir(path.join(project, "src"), { recursive: true });
  await mkdir(path.join(project, ".git"), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(project, "src", "main.ts"), "export const x = 1;\n");
  await writeFile(path.join(project, ".env"), "TOKEN=secret\n");
  await writeFile(path.join(project, ".git", "config"), "[core]\n");
  await writeFile(path.join(outside, "secret.txt"), "outside secret\n");
  await symlink(outside, path.join(project, "escape"));
  await symlink(path.join(outside, "secret.txt"), path.join(project, "secret-link"));
  await symlink(".env", path.join(project, "env-link"));
  await symlink("src/main.ts", path.join(project, "main-link"));
});
afterAll(async () => {
  await removeDir(root);
});
afterEach(async () => {
  await h?.close();
});

const scoped = () =>
  testConfig({
    pathScope: createPathScope({ allowDirs: [project], denyPatterns: ["**/.env", "**/.git"] }),
  });

const outsideMsg = (shown: string) =>
  `${shown} is outside the allowed directories: ${project}. Use a path inside one of them.`;

describe("file tools inside a scope", () => {
  it("work normally inside the allowed dir", async () => {
    h = await connect(scoped(), project);
    expect(okText(await h.call("view", { path: "src/main.ts" }))).toBe("     1\texport const x = 1;");
    okText(await h.call("str_replace", { path: "src/main.ts", old_str: "1", new_str: "2" }));
    okText(await h.call("create_file", { path: "src/new/file.ts", content: "new\n" }));
    expect(await readFile(path.join(project, "src", "new", "file.ts"), "utf8")).toBe("new\n");
  });

  it("deny ../ escapes and absolute paths outside", async () => {
    h = await connect(scoped(), project);
    expect(errorOf(await h.call("view", { path: "../outside/secret.txt" }), "ACCESS_DENIED")).toBe(
      outsideMsg(`../outside/secret.txt (resolves to ${path.join(outside, "secret.txt")})`),
    );
    expect(errorOf(await h.call("view", { path: "/etc/hostname" }), "ACCESS_DENIED")).toBe(
      outsideMsg("/etc/hostname"),
    );
    expect(errorOf(await h.call("view", { path: "src/../../outside" }), "ACCESS_DENIED")).toContain(
      "is outside the allowed directories",
    );
    expect(
      errorOf(await h.call("create_file", { path: "../outside/planted.txt", content: "x" }), "ACCESS_DENIED"),
    ).toContain("is outside the allowed directories");
    await expect(stat(path.join(outside, "planted.txt"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("deny symlinks that lead out of the allowed dir, for reads, edits and creates", async () => {
    h = await connect(scoped(), project);
    expect(errorOf(await h.call("view", { path: "secret-link" }), "ACCESS_DENIED")).toBe(
      outsideMsg(`secret-link (resolves to ${path.join(outside, "secret.txt")})`),
    );
    expect(errorOf(await h.call("view", { path: "escape/secret.txt" }), "ACCESS_DENIED")).toContain(
      "is outside the allowed directories",
    );
    expect(errorOf(await h.call("view", { path: "escape" }), "ACCESS_DENIED")).toContain(
      "is outside the allowed directories",
    );
    expect(
      errorOf(
        await h.call("str_replace", { path: "secret-link", old_str: "outside", new_str: "pwned" }),
        "ACCESS_DENIED",
      ),
    ).toContain("is outside the allowed directories");
    expect(
      errorOf(await h.call("create_file", { path: "escape/dropped.txt", content: "x" }), "ACCESS_DENIED"),
    ).toContain("is outside the allowed directories");
    expect(await readFile(path.join(outside, "secret.txt"), "utf8")).toBe("outside secret\n");
    expect(await readdir(outside)).toEqual(["secret.txt"]);
  });

  it("deny **/.env and everything under **/.git, even inside the allowed dir", async () => {
    h = await connect(scoped(), project);
    expect(errorOf(await h.call("view", { path: ".env" }), "ACCESS_DENIED")).toBe(
      `.env (resolves to ${path.join(project, ".env")}) matches the deny pattern **/.env; access to it is not permitted.`,
    );
    expect(
      errorOf(await h.call("create_file", { path: "src/.env", content: "A=1" }), "ACCESS_DENIED"),
    ).toContain("matches the deny pattern **/.env");
    expect(errorOf(await h.call("view", { path: ".git/config" }), "ACCESS_DENIED")).toContain(
      "is inside a directory matching the deny pattern **/.git",
    );
    expect(errorOf(await h.call("view", { path: ".git" }), "ACCESS_DENIED")).toContain(
      "matches the deny pattern **/.git",
    );
    expect(
      errorOf(await h.call("create_file", { path: ".git/hooks/pre-commit", content: "x" }), "ACCESS_DENIED"),
    ).toContain("**/.git");
    await expect(stat(path.join(project, ".git", "hooks"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("a listing of the allowed dir leaves out denied entries", async () => {
    h = await connect(scoped(), project);
    const listing = okText(await h.call("view", { path: "." }));
    expect(listing.split("\n")[0]).toBe(`${project}/`);
    expect(listing).not.toContain(".env\n");
    expect(listing).toContain("  src/");
  });

  it("a listing shows that a symlink leads out of the scope without naming where", async () => {
    h = await connect(scoped(), project);
    const listing = okText(await h.call("view", { path: "." }));
    expect(listing).toContain("\n  escape -> (outside the allowed directories)\n");
    expect(listing).toContain("\n  secret-link -> (outside the allowed directories)\n");
    expect(listing).toContain("\n  env-link -> (a denied path)\n");
    expect(listing).toContain("\n  main-link -> src/main.ts\n");
    expect(listing).not.toContain(outside);
  });
});
