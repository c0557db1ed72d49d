// grep's walk (hidden files, .gitignore, binary files, symlinks, size), its filters and multiline.
import { symlink } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { errorOf, okText, testConfig } from "../test/file-support.js";
import { searchFixture, sorted } from "../test/search-support.js";

const { setup } = searchFixture("boris-grep-");

describe("grep walk rules", () => {
  it("searches hidden files, skips .git and node_modules", async () => {
    const { grep } = await setup({
      ".hidden/h.txt": "needle\n",
      ".env": "needle\n",
      ".git/config": "needle\n",
      "node_modules/pkg/index.js": "needle\n",
      "sub/node_modules/x.js": "needle\n",
      "src/a.js": "needle\n",
    });
    expect(sorted(okText(await grep({ pattern: "needle" })))).toEqual([".env", ".hidden/h.txt", "src/a.js"]);
  });

  it("honours .gitignore without a .git directory: comments, negation, directory-only, anchored, nested", async () => {
    const { grep } = await setup({
      ".gitignore": "# a comment line\n*.log\n!keep.log\nbuild/\n/rootonly.txt\n",
      "a.log": "needle\n",
      "keep.log": "needle\n",
      "build/out.txt": "needle\n",
      "sub/build/out.txt": "needle\n",
      build2: "needle\n",
      "rootonly.txt": "needle\n",
      "sub/rootonly.txt": "needle\n",
      "deep/.gitignore": "!*.log\nlocal.txt\n",
      "deep/x/d.log": "needle\n",
      "deep/local.txt": "needle\n",
      "# a comment line": "needle\n",
    });
    expect(sorted(okText(await grep({ pattern: "needle" })))).toEqual([
      "# a comment line",
      "build2",
      "deep/x/d.log",
      "keep.log",
      "sub/rootonly.txt",
    ]);
  });

  it("an include glob does not bring back gitignored files", async () => {
    const { grep } = await setup({ ".gitignore": "*.log\n", "a.log": "needle\n", "src/b.log": "needle\n" });
    expect(okText(await grep({ pattern: "needle", include: "*.log" }))).toBe("No files found");
    expect(okText(await grep({ pattern: "needle", include: "src/*.log" }))).toBe("No files found");
  });

  it("skips binary files (NUL in the first 8 KB)", async () => {
    const { grep } = await setup({
      "bin.dat": Buffer.concat([Buffer.from("needle\n"), Buffer.from([0, 1, 2, 3]), Buffer.from("needle\n")]),
      "text.txt": "needle\n",
    });
    expect(okText(await grep({ pattern: "needle" }))).toBe("text.txt");
  });

  it("follows directory symlinks and terminates on a symlink cycle", async () => {
    const { root, grep } = await setup({ "real/inner/f.txt": "needle\n" });
    await symlink(path.join(root, "real"), path.join(root, "link"));
    await symlink("..", path.join(root, "real/inner/up"));
    const found = sorted(okText(await grep({ pattern: "needle" })));
    expect(found).toContain("real/inner/f.txt");
    expect(found).toContain("link/inner/f.txt");
    expect(found.length).toBeLessThan(10);
  });

  it("skips files over the size limit", async () => {
    const config = testConfig({ maxFileSize: 1000 });
    const { grep } = await setup(
      { "small.txt": "needle\n", "big.txt": `needle\n${"x".repeat(5000)}\n` },
      config,
    );
    expect(okText(await grep({ pattern: "needle" }))).toBe("small.txt");
    expect(errorOf(await grep({ pattern: "needle", path: "big.txt" }), "FILE_TOO_LARGE")).toContain(
      "big.txt",
    );
  });
});

describe("grep filters", () => {
  const files = {
    "a.ts": "needle\n",
    "b.tsx": "needle\n",
    "c.py": "needle\n",
    "d.pyi": "needle\n",
    "e.md": "needle\n",
    "src/f.ts": "needle\n",
    "src/deep/g.py": "needle\n",
    "lib/h.py": "needle\n",
  };

  it("type selects files by language, with aliases", async () => {
    const { grep } = await setup(files);
    expect(sorted(okText(await grep({ pattern: "needle", type: "ts" })))).toEqual([
      "a.ts",
      "b.tsx",
      "src/f.ts",
    ]);
    expect(sorted(okText(await grep({ pattern: "needle", type: "python" })))).toEqual([
      "c.py",
      "d.pyi",
      "lib/h.py",
      "src/deep/g.py",
    ]);
    expect(okText(await grep({ pattern: "needle", type: "markdown" }))).toBe("e.md");
    expect(sorted(okText(await grep({ pattern: "needle", type: "typescript" })))).toHaveLength(3);
  });

  it("unknown type is INVALID_INPUT listing the valid ones", async () => {
    const { grep } = await setup(files);
    const msg = errorOf(await grep({ pattern: "needle", type: "klingon" }), "INVALID_INPUT");
    expect(msg).toContain("klingon");
    expect(msg).toContain("py, r, rb");
  });

  it("include matches the base name at any depth, braces, or a path under a directory", async () => {
    const { grep } = await setup(files);
    expect(sorted(okText(await grep({ pattern: "needle", include: "*.ts" })))).toEqual(["a.ts", "src/f.ts"]);
    expect(sorted(okText(await grep({ pattern: "needle", include: "*.{ts,tsx}" })))).toEqual([
      "a.ts",
      "b.tsx",
      "src/f.ts",
    ]);
    expect(okText(await grep({ pattern: "needle", include: "src/**/*.py" }))).toBe("src/deep/g.py");
    expect(okText(await grep({ pattern: "needle", include: "lib/*.py" }))).toBe("lib/h.py");
    expect(sorted(okText(await grep({ pattern: "needle", include: "**/*.py" })))).toEqual([
      "c.py",
      "lib/h.py",
      "src/deep/g.py",
    ]);
    expect(okText(await grep({ pattern: "needle", include: "[!a-c]*.pyi" }))).toBe("d.pyi");
  });

  it("include and type together must both match", async () => {
    const { grep } = await setup(files);
    expect(okText(await grep({ pattern: "needle", type: "py", include: "src/**" }))).toBe("src/deep/g.py");
    expect(okText(await grep({ pattern: "needle", type: "py", include: "*.pyi" }))).toBe("d.pyi");
  });

  it("an invalid include glob is INVALID_INPUT", async () => {
    const { grep } = await setup(files);
    expect(errorOf(await grep({ pattern: "needle", include: "*.{ts" }), "INVALID_INPUT")).toContain("*.{ts");
    // 2,000 nested braces: the caller's input (naming the field), not ripgrep failing.
    const nested = `${"{".repeat(2000)}a${"}".repeat(2000)}`;
    expect(errorOf(await grep({ pattern: "needle", include: nested }), "INVALID_INPUT")).toMatch(
      /^grep: include .* is invalid: its '\{' alternations are nested more than 32 levels deep/,
    );
    expect(errorOf(await grep({ pattern: "needle", glob: nested }), "INVALID_INPUT")).toMatch(/^grep: glob /);
  });
});

describe("grep multiline", () => {
  const text = "start\nabc\nend\nzzz\nstart\nq\nend\n";

  it("every line a match spans is a match line", async () => {
    const { grep } = await setup({ "m.txt": text });
    const out = okText(await grep({ pattern: "start.*?end", output_mode: "content", multiline: true }));
    expect(out).toBe("m.txt:1:start\nm.txt:2:abc\nm.txt:3:end\nm.txt:5:start\nm.txt:6:q\nm.txt:7:end");
    // Without multiline, . does not cross lines.
    expect(okText(await grep({ pattern: "start.*?end", output_mode: "content" }))).toBe("No matches found");
  });

  it("count counts the lines matches span, per file", async () => {
    const { grep } = await setup({ "m.txt": text, "n.txt": "start end\n", "o.txt": "nothing\n" });
    const out = okText(await grep({ pattern: "start.*?end", output_mode: "count", multiline: true }));
    expect(sorted(out)).toEqual(["m.txt:6", "n.txt:1"]);
    expect(
      okText(await grep({ pattern: "start.*?end", path: "m.txt", output_mode: "count", multiline: true })),
    ).toBe("m.txt:6");
  });

  it("files_with_matches in multiline mode", async () => {
    const { grep } = await setup({ "m.txt": text, "o.txt": "start\nnope\n" });
    expect(okText(await grep({ pattern: "start\\nabc", multiline: true }))).toBe("m.txt");
  });
});
