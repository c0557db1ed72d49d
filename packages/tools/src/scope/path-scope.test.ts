import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPathScope, type ScopedPath } from "./path-scope.js";

let root: string;
let inside: string;
let outside: string;

beforeAll(async () => {
  // realpath: on some systems the temp dir itself sits behind a symlink.
  root = await realpath(await mkdtemp(path.join(tmpdir(), "boris-scope-")));
  inside = path.join(root, "inside");
  outside = path.join(root, "outside");
  await mkdir(path.join(inside, "src", "deep"), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(inside, "src", "a.ts"), "a");
  await writeFile(path.join(inside, ".env"), "SECRET=1");
  await mkdir(path.join(inside, ".git", "objects"), { recursive: true });
  await writeFile(path.join(inside, ".git", "config"), "[core]");
  await writeFile(path.join(outside, "secret.txt"), "s");
  await symlink(outside, path.join(inside, "link-out"));
  await symlink(path.join(outside, "secret.txt"), path.join(inside, "file-link-out"));
  await symlink(path.join(inside, "src"), path.join(inside, "link-in"));
  await symlink(path.join(outside, "not-yet.txt"), path.join(inside, "dangling-out"));
  await symlink(path.join(inside, "src", "a.ts"), path.join(inside, "innocent-name"));
  await symlink(path.join(inside, "src", "a.ts"), path.join(outside, ".env"));
  await mkdir(path.join(root, "insider"), { recursive: true });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function ok(r: ScopedPath): string {
  if (!r.ok) throw new Error(`expected ok, got: ${r.reason}`);
  return r.path;
}

function reason(r: ScopedPath): string {
  if (r.ok) throw new Error(`expected a denial, got ok: ${r.path}`);
  return r.reason;
}

describe("createPathScope without allow dirs", () => {
  it("reaches everything and canonicalises relative paths and ..", async () => {
    const scope = createPathScope();
    expect(scope.allowDirs).toEqual([]);
    expect(ok(await scope.resolve("src/deep/../a.ts", inside))).toBe(path.join(inside, "src", "a.ts"));
    expect(ok(await scope.resolve("../outside/secret.txt", inside))).toBe(path.join(outside, "secret.txt"));
    expect(ok(await scope.resolve("/", inside))).toBe("/");
    expect(scope.isAllowed("/etc/passwd")).toBe(true);
  });

  it("resolves symlinks, also for paths that do not exist yet", async () => {
    const scope = createPathScope();
    expect(ok(await scope.resolve("link-in/a.ts", inside))).toBe(path.join(inside, "src", "a.ts"));
    expect(ok(await scope.resolve("link-in/new/dir/x.ts", inside))).toBe(
      path.join(inside, "src", "new", "dir", "x.ts"),
    );
    // A dangling symlink resolves to where it points, not to the link itself.
    expect(ok(await scope.resolve("dangling-out", inside))).toBe(path.join(outside, "not-yet.txt"));
  });

  it("reports a symlink loop instead of hanging", async () => {
    const dir = path.join(root, "loop");
    await mkdir(dir, { recursive: true });
    await symlink(path.join(dir, "b"), path.join(dir, "a"));
    await symlink(path.join(dir, "a"), path.join(dir, "b"));
    const r = reason(await createPathScope().resolve("a", dir));
    expect(r).toContain("a cannot be resolved");
    expect(r).toContain("symbolic links");
  });
});

describe("allow dirs", () => {
  it("canonicalises the allow dirs themselves (relative, .., symlinked)", () => {
    const scope = createPathScope({ allowDirs: ["inside/src/..", path.join(inside, "link-in")], cwd: root });
    expect(scope.allowDirs).toEqual([inside, path.join(inside, "src")]);
  });

  it("allows paths inside and the dir itself, and denies siblings sharing a prefix", async () => {
    const scope = createPathScope({ allowDirs: [inside] });
    expect(ok(await scope.resolve(inside, "/"))).toBe(inside);
    expect(ok(await scope.resolve("src/a.ts", inside))).toBe(path.join(inside, "src", "a.ts"));
    expect(ok(await scope.resolve("src/not/yet/there.ts", inside))).toBe(
      path.join(inside, "src", "not", "yet", "there.ts"),
    );
    // "/…/insider" starts with "/…/inside" as a string but is not inside it.
    const r = reason(await scope.resolve(path.join(root, "insider"), inside));
    expect(r).toBe(
      `${path.join(root, "insider")} is outside the allowed directories: ${inside}. Use a path inside one of them.`,
    );
  });

  it("denies ../ escapes and absolute paths outside, naming every allowed dir", async () => {
    const other = path.join(root, "insider");
    const scope = createPathScope({ allowDirs: [inside, other] });
    expect(reason(await scope.resolve("../outside/secret.txt", inside))).toBe(
      `../outside/secret.txt (resolves to ${path.join(outside, "secret.txt")}) is outside the allowed directories: ${inside}, ${other}. Use a path inside one of them.`,
    );
    expect(reason(await scope.resolve("/etc/passwd", inside))).toContain(
      "/etc/passwd is outside the allowed directories:",
    );
    expect(reason(await scope.resolve("src/../../outside", inside))).toContain(
      "is outside the allowed directories",
    );
  });

  it("denies symlinks inside an allowed dir that point outside (dir, file, dangling)", async () => {
    const scope = createPathScope({ allowDirs: [inside] });
    expect(reason(await scope.resolve("link-out/secret.txt", inside))).toContain(
      `(resolves to ${path.join(outside, "secret.txt")}) is outside the allowed directories`,
    );
    expect(reason(await scope.resolve("file-link-out", inside))).toContain(
      "is outside the allowed directories",
    );
    expect(reason(await scope.resolve("link-out/new-file.txt", inside))).toContain(
      "is outside the allowed directories",
    );
    expect(reason(await scope.resolve("dangling-out", inside))).toContain(
      "is outside the allowed directories",
    );
    // …while a symlink pointing inside is fine.
    expect(ok(await scope.resolve("link-in/a.ts", inside))).toBe(path.join(inside, "src", "a.ts"));
  });

  it("isAllowed checks canonical paths by prefix with a separator", () => {
    const scope = createPathScope({ allowDirs: [inside] });
    expect(scope.isAllowed(inside)).toBe(true);
    expect(scope.isAllowed(path.join(inside, "src", "a.ts"))).toBe(true);
    expect(scope.isAllowed(path.join(root, "insider", "x"))).toBe(false);
    expect(scope.isAllowed(path.join(outside, "secret.txt"))).toBe(false);
  });

  it("an allow dir of / allows everything", async () => {
    const scope = createPathScope({ allowDirs: ["/"] });
    expect(scope.isAllowed("/etc/passwd")).toBe(true);
    expect(ok(await scope.resolve("/etc", "/"))).toBe("/etc");
  });
});

describe("deny patterns", () => {
  it("**/.env denies the file anywhere, with the pattern in the reason", async () => {
    const scope = createPathScope({ denyPatterns: ["**/.env"] });
    expect(reason(await scope.resolve(path.join(inside, ".env"), "/"))).toBe(
      `${path.join(inside, ".env")} matches the deny pattern **/.env; access to it is not permitted.`,
    );
    expect(reason(await scope.resolve(".env", inside))).toContain("matches the deny pattern **/.env");
    expect(scope.isAllowed(path.join(inside, ".env"))).toBe(false);
    expect(scope.isAllowed(path.join(inside, ".env.example"))).toBe(true);
    expect(ok(await scope.resolve("src/a.ts", inside))).toBe(path.join(inside, "src", "a.ts"));
  });

  it("**/.git denies the directory and everything below it (ancestor match)", async () => {
    const scope = createPathScope({ denyPatterns: ["**/.git"] });
    expect(reason(await scope.resolve(".git", inside))).toContain("matches the deny pattern **/.git");
    expect(reason(await scope.resolve(".git/config", inside))).toContain(
      "is inside a directory matching the deny pattern **/.git",
    );
    expect(reason(await scope.resolve(".git/objects/new/file", inside))).toContain("**/.git");
    expect(scope.isAllowed(path.join(inside, ".git", "objects", "ab", "cdef"))).toBe(false);
    expect(scope.isAllowed(path.join(inside, ".github", "workflows"))).toBe(true);
    expect(scope.isAllowed(path.join(inside, "x.git"))).toBe(true);
  });

  it("absolute patterns like /etc/** deny the dir and below", () => {
    const scope = createPathScope({ denyPatterns: ["/etc/**"] });
    expect(scope.isAllowed("/etc")).toBe(false);
    expect(scope.isAllowed("/etc/ssh/sshd_config")).toBe(false);
    expect(scope.isAllowed("/etcetera")).toBe(true);
  });

  it("patterns without a leading / or ** match at any depth", () => {
    const scope = createPathScope({ denyPatterns: [".env", "*.pem", "secrets/*.key"] });
    expect(scope.isAllowed("/a/b/.env")).toBe(false);
    expect(scope.isAllowed("/a/b/server.pem")).toBe(false);
    expect(scope.isAllowed("/a/secrets/x.key")).toBe(false);
    expect(scope.isAllowed("/a/secrets/x.txt")).toBe(true);
  });

  it("deny wins over allow", async () => {
    const scope = createPathScope({ allowDirs: [inside], denyPatterns: ["**/.env"] });
    expect(reason(await scope.resolve(".env", inside))).toContain("deny pattern **/.env");
    expect(scope.isAllowed(path.join(inside, ".env"))).toBe(false);
    expect(scope.isAllowed(path.join(inside, "src", "a.ts"))).toBe(true);
  });

  it("checks both the name as written and the symlink target", async () => {
    const scope = createPathScope({ denyPatterns: ["**/.env"] });
    // A link named .env pointing at an innocent file is still ".env"…
    expect(reason(await scope.resolve(path.join(outside, ".env"), "/"))).toContain("deny pattern **/.env");
    // …and an innocent name pointing at a denied file is denied too.
    await symlink(path.join(inside, ".env"), path.join(inside, "env-link"));
    expect(reason(await scope.resolve("env-link", inside))).toContain(
      `(resolves to ${path.join(inside, ".env")}) matches the deny pattern **/.env`,
    );
    expect(ok(await scope.resolve("innocent-name", inside))).toBe(path.join(inside, "src", "a.ts"));
  });

  it("exposes the patterns as given", () => {
    expect(createPathScope({ denyPatterns: ["**/.env", "/etc/**"] }).denyPatterns).toEqual([
      "**/.env",
      "/etc/**",
    ]);
  });
});
