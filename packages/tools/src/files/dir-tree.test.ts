// view of a directory: the tree listing (files/dir-tree.ts) through the MCP client.
import { mkdir, symlink, writeFile } from "node:fs/promises";
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

let dir: string;
let h: Harness;

beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await removeDir(dir);
});
afterEach(async () => {
  await h?.close();
});

describe("directory listing", () => {
  it("shows two levels, dirs with /, symlinks with their target, dotfiles, sorted, skipping .git and node_modules", async () => {
    h = await connect(testConfig(), dir);
    const root = path.join(dir, "tree");
    await mkdir(path.join(root, "src", "deep", "deeper"), { recursive: true });
    await mkdir(path.join(root, ".git", "objects"), { recursive: true });
    await mkdir(path.join(root, "node_modules", "pkg"), { recursive: true });
    await mkdir(path.join(root, ".github"), { recursive: true });
    await writeFile(path.join(root, ".github", "ci.yml"), "");
    await writeFile(path.join(root, "src", "b.ts"), "");
    await writeFile(path.join(root, "src", "a.ts"), "");
    await writeFile(path.join(root, "src", "deep", "hidden-level3.ts"), "");
    await writeFile(path.join(root, "README.md"), "");
    await writeFile(path.join(root, ".env"), "");
    await symlink("src/a.ts", path.join(root, "link"));
    const text = okText(await h.call("view", { path: "tree" }));
    expect(text).toBe(
      [
        `${root}/`,
        "  .env",
        "  .github/",
        "    ci.yml",
        "  README.md",
        "  link -> src/a.ts",
        "  src/",
        "    a.ts",
        "    b.ts",
        "    deep/",
      ].join("\n"),
    );
    // Listing does not count as viewing.
    expect(h.session.viewed.size).toBe(0);
    expect(
      errorOf(
        await h.call("str_replace", { path: "tree/README.md", old_str: "x", new_str: "y" }),
        "FILE_NOT_VIEWED",
      ),
    ).toContain("tree/README.md has not been viewed in this session");
  });

  it("leaves out entries the scope denies and says when a directory is empty", async () => {
    h = await connect(testConfig({ pathScope: createPathScope({ denyPatterns: ["**/.env"] }) }), dir);
    const root = path.join(dir, "tree2");
    await mkdir(path.join(root, "empty"), { recursive: true });
    await writeFile(path.join(root, ".env"), "SECRET=1");
    await writeFile(path.join(root, "ok.txt"), "");
    expect(okText(await h.call("view", { path: root }))).toBe(`${root}/\n  empty/\n  ok.txt`);
    expect(okText(await h.call("view", { path: path.join(root, "empty") }))).toBe(
      `${root}/empty/\n  (empty directory)`,
    );
  });

  it("stops a huge listing with a notice", async () => {
    h = await connect(testConfig(), dir);
    const root = path.join(dir, "huge");
    await mkdir(root, { recursive: true });
    await Promise.all(
      Array.from({ length: 1010 }, (_, i) =>
        writeFile(path.join(root, `f${String(i).padStart(4, "0")}`), ""),
      ),
    );
    const out = okText(await h.call("view", { path: root })).split("\n");
    expect(out).toHaveLength(1 + 1000 + 1);
    expect(out[1000]).toBe("  f0999");
    expect(out[1001]).toBe(
      "[Listing stopped at 1000 entries; at least 10 more not shown. View a subdirectory or use glob to narrow it down.]",
    );
  });
});
