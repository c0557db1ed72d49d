import { mkdir, symlink, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ToolConfig } from "../core/tool-config.js";
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

/** Writes `files` (relative path → content) under `root`, creating directories. */
async function tree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
}

/** Sets mtimes so that files listed first are newest. */
async function ages(root: string, newestFirst: string[]): Promise<void> {
  const now = Date.now() / 1000;
  for (const [i, rel] of newestFirst.entries()) {
    await utimes(path.join(root, rel), now - i * 100, now - i * 100);
  }
}

const lines = (text: string) => text.split("\n");
const sorted = (text: string) => lines(text).sort();

let dirs: string[] = [];
const harnesses: Harness[] = [];

async function setup(files: Record<string, string | Buffer>, config: ToolConfig = testConfig()) {
  const root = await tempDir("boris-grep-");
  dirs.push(root);
  await tree(root, files);
  const h = await connect(config, root);
  harnesses.push(h);
  return { root, h, grep: (args: Record<string, unknown>) => h.call("grep", args) };
}

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  await Promise.all(dirs.map((d) => removeDir(d)));
  dirs = [];
});

describe("grep output formats", () => {
  const files = {
    "a.txt": "one\ntwo foo\nthree\nfour\nfive\nsix\nseven foo\neight\n",
    "b.txt": "foo\nbar\n",
  };

  it("content mode prints path:line:text, byte for byte", async () => {
    const { grep } = await setup(files);
    const text = okText(await grep({ pattern: "foo", path: "a.txt", output_mode: "content" }));
    expect(text).toBe("a.txt:2:two foo\na.txt:7:seven foo");
  });

  it("content mode without line numbers prints path:text", async () => {
    const { grep } = await setup(files);
    const text = okText(
      await grep({ pattern: "foo", path: "a.txt", output_mode: "content", line_numbers: false }),
    );
    expect(text).toBe("a.txt:two foo\na.txt:seven foo");
  });

  it("context lines use path-line-text, overlapping windows merge, -- separates groups", async () => {
    const { grep } = await setup(files);
    const text = okText(await grep({ pattern: "foo", path: "a.txt", output_mode: "content", context: 1 }));
    expect(text).toBe(
      [
        "a.txt-1-one",
        "a.txt:2:two foo",
        "a.txt-3-three",
        "--",
        "a.txt-6-six",
        "a.txt:7:seven foo",
        "a.txt-8-eight",
      ].join("\n"),
    );
    const merged = okText(await grep({ pattern: "foo", path: "a.txt", output_mode: "content", context: 2 }));
    expect(merged).toBe(
      [
        "a.txt-1-one",
        "a.txt:2:two foo",
        "a.txt-3-three",
        "a.txt-4-four",
        "a.txt-5-five",
        "a.txt-6-six",
        "a.txt:7:seven foo",
        "a.txt-8-eight",
      ].join("\n"),
    );
  });

  it("before/after context separately, and -- between files", async () => {
    const { grep } = await setup(files);
    const before = okText(
      await grep({ pattern: "seven", path: "a.txt", output_mode: "content", context_before: 2 }),
    );
    expect(before).toBe("a.txt-5-five\na.txt-6-six\na.txt:7:seven foo");
    const after = okText(
      await grep({ pattern: "two", path: "a.txt", output_mode: "content", context_after: 1 }),
    );
    expect(after).toBe("a.txt:2:two foo\na.txt-3-three");
    const both = okText(
      await grep({ pattern: "^foo", output_mode: "content", context_after: 1, include: "b.txt" }),
    );
    expect(both).toBe("b.txt:1:foo\nb.txt-2-bar");
    const across = okText(await grep({ pattern: "eight|^foo", output_mode: "content", context_before: 1 }));
    const groups = across.split("\n--\n").sort();
    expect(groups).toEqual(["a.txt-7-seven foo\na.txt:8:eight", "b.txt:1:foo"]);
  });

  it("count mode prints path:N matching lines", async () => {
    const { grep } = await setup(files);
    const text = okText(await grep({ pattern: "foo", output_mode: "count" }));
    expect(sorted(text)).toEqual(["a.txt:2", "b.txt:1"]);
  });

  it("files_with_matches lists paths newest first, relative to the root", async () => {
    const { root, grep } = await setup({ ...files, "sub/deep/c.txt": "foo\n", "old.txt": "foo\n" });
    await ages(root, ["sub/deep/c.txt", "b.txt", "a.txt", "old.txt"]);
    expect(okText(await grep({ pattern: "foo" }))).toBe("sub/deep/c.txt\nb.txt\na.txt\nold.txt");
    await ages(root, ["old.txt", "a.txt", "sub/deep/c.txt", "b.txt"]);
    expect(okText(await grep({ pattern: "foo", output_mode: "files_with_matches" }))).toBe(
      "old.txt\na.txt\nsub/deep/c.txt\nb.txt",
    );
  });

  it("paths are relative to the search root; a single file shows as given", async () => {
    const { root, grep } = await setup({ "src/x/y.ts": "needle\n" });
    expect(okText(await grep({ pattern: "needle", path: "src", output_mode: "content" }))).toBe(
      "x/y.ts:1:needle",
    );
    expect(
      okText(await grep({ pattern: "needle", path: path.join(root, "src"), output_mode: "count" })),
    ).toBe("x/y.ts:1");
    expect(okText(await grep({ pattern: "needle", path: "src/x/../x/y.ts", output_mode: "content" }))).toBe(
      "src/x/../x/y.ts:1:needle",
    );
    const abs = path.join(root, "src/x/y.ts");
    expect(okText(await grep({ pattern: "needle", path: abs }))).toBe(abs);
  });

  it("no match is a plain answer, not an error", async () => {
    const { grep } = await setup(files);
    expect(okText(await grep({ pattern: "absent" }))).toBe("No files found");
    expect(okText(await grep({ pattern: "absent", output_mode: "content" }))).toBe("No matches found");
  });

  it("case_insensitive and (?i)", async () => {
    const { grep } = await setup({ "c.txt": "Hello\nhello\nHELLO\n" });
    expect(okText(await grep({ pattern: "hello", output_mode: "count" }))).toBe("c.txt:1");
    expect(okText(await grep({ pattern: "hello", output_mode: "count", case_insensitive: true }))).toBe(
      "c.txt:3",
    );
    expect(okText(await grep({ pattern: "(?i)hello", output_mode: "count" }))).toBe("c.txt:3");
  });
});

describe("grep pagination and caps", () => {
  const many = `${Array.from({ length: 50 }, (_, i) => `match ${i + 1}`).join("\n")}\n`;

  it("offset then head_limit apply to output lines", async () => {
    const { grep } = await setup({ "m.txt": many });
    const text = okText(
      await grep({ pattern: "match", path: "m.txt", output_mode: "content", offset: 10, head_limit: 3 }),
    );
    expect(text).toBe(
      "m.txt:11:match 11\nm.txt:12:match 12\nm.txt:13:match 13\n\n" +
        "[Showing lines 11-13 of 50. Call again with offset=13 (and head_limit=3) to see more.]",
    );
    const tail = okText(await grep({ pattern: "match", path: "m.txt", output_mode: "content", offset: 48 }));
    expect(tail).toBe("m.txt:49:match 49\nm.txt:50:match 50");
    const past = okText(await grep({ pattern: "match", path: "m.txt", output_mode: "content", offset: 60 }));
    expect(past).toContain("offset 60");
    expect(past).toContain("50 lines");
  });

  it("head_limit 0 means no limit; head_limit on files and counts", async () => {
    const { root, grep } = await setup({ "a.txt": "x\n", "b.txt": "x\n", "c.txt": "x\n" });
    await ages(root, ["c.txt", "b.txt", "a.txt"]);
    expect(okText(await grep({ pattern: "x", head_limit: 0 }))).toBe("c.txt\nb.txt\na.txt");
    // head_limit without offset still says that more exist and how to get them.
    expect(okText(await grep({ pattern: "x", head_limit: 2 }))).toBe(
      "c.txt\nb.txt\n\n[Showing files 1-2 of 3. Call again with offset=2 (and head_limit=2) to see more.]",
    );
    expect(okText(await grep({ pattern: "x", offset: 1, head_limit: 1 }))).toBe(
      "b.txt\n\n[Showing file 2 of 3. Call again with offset=2 (and head_limit=1) to see more.]",
    );
    expect(okText(await grep({ pattern: "x", offset: 1, head_limit: 2 }))).toBe("b.txt\na.txt");
    expect(okText(await grep({ pattern: "x", output_mode: "count", head_limit: 2 }))).toBe(
      "c.txt:1\nb.txt:1\n\n[Showing entries 1-2 of 3. Call again with offset=2 (and head_limit=2) to see more.]",
    );
  });

  it("output over 30000 characters is cut with a note saying how to see more", async () => {
    const line = "y".repeat(99);
    const { grep } = await setup({ "big.txt": `${Array.from({ length: 1000 }, () => line).join("\n")}\n` });
    const text = okText(await grep({ pattern: "y", path: "big.txt", output_mode: "content" }));
    const [body, note] = text.split("\n\n");
    expect(body!.length).toBeLessThanOrEqual(30_000);
    const shown = lines(body!);
    expect(shown.every((l) => l.endsWith(line))).toBe(true);
    expect(note).toMatch(/^\[Output cut at 30,000 characters: showing lines 1-\d+ of 1000\./);
    expect(note).toContain(`offset=${shown.length}`);
    // The next page starts right after the last line shown.
    const next = okText(
      await grep({
        pattern: "y",
        path: "big.txt",
        output_mode: "content",
        offset: shown.length,
        head_limit: 1,
      }),
    );
    expect(next).toBe(
      `big.txt:${shown.length + 1}:${line}\n\n[Showing line ${shown.length + 1} of 1000. ` +
        `Call again with offset=${shown.length + 1} (and head_limit=1) to see more.]`,
    );
  });

  it("a single line longer than the cap is cut inside the line", async () => {
    const { grep } = await setup({ "long.txt": `${"z".repeat(100_000)}\nz\n` });
    const text = okText(await grep({ pattern: "z", path: "long.txt", output_mode: "content" }));
    const [body, note] = text.split("\n\n");
    expect(body).toBe(`long.txt:1:${"z".repeat(100_000)}`.slice(0, 30_000));
    expect(note).toContain("offset=1");
  });

  it("files_with_matches over the cap reports the total", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++)
      files[`dir-with-a-long-name-${String(i).padStart(4, "0")}/file-${"q".repeat(60)}.txt`] = "hit\n";
    const { grep } = await setup(files);
    const text = okText(await grep({ pattern: "hit" }));
    expect(text).toMatch(/showing files 1-\d+ of 400\./);
  });
});

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

describe("grep errors", () => {
  it("invalid regex is GREP_INVALID_PATTERN with rg's reason", async () => {
    const { grep } = await setup({ "a.txt": "x\n" });
    const msg = errorOf(await grep({ pattern: "a(" }), "GREP_INVALID_PATTERN");
    expect(msg).toContain('"a("');
    expect(msg).toContain("unclosed group");
    const rep = errorOf(await grep({ pattern: "x{2,1}", output_mode: "content" }), "GREP_INVALID_PATTERN");
    expect(rep).toContain("invalid repetition count range");
  });

  it("an oversized pattern or include is refused with a short message", async () => {
    const { grep } = await setup({ "a.txt": "x\n" });
    const pattern = errorOf(await grep({ pattern: "x".repeat(200_000) }), "INVALID_INPUT");
    expect(pattern).toContain("200000 bytes long; at most 65536");
    const include = errorOf(await grep({ pattern: "x", include: "*".repeat(5000) }), "INVALID_INPUT");
    expect(include).toContain("5000 characters long; at most 4096");
    expect(include.length).toBeLessThan(600);
  });

  it("a line break in the pattern asks for multiline", async () => {
    const { grep } = await setup({ "a.txt": "x\n" });
    expect(errorOf(await grep({ pattern: "a\nb" }), "GREP_INVALID_PATTERN")).toContain("multiline: true");
  });

  it("unknown output_mode is GREP_INVALID_OUTPUT_MODE", async () => {
    const { grep } = await setup({ "a.txt": "x\n" });
    const msg = errorOf(await grep({ pattern: "x", output_mode: "lines" }), "GREP_INVALID_OUTPUT_MODE");
    expect(msg).toContain('"lines"');
    expect(msg).toContain("files_with_matches, content, count");
  });

  it("empty pattern and ill-typed arguments are INVALID_INPUT", async () => {
    const { grep } = await setup({ "a.txt": "x\n" });
    expect(errorOf(await grep({ pattern: "" }), "INVALID_INPUT")).toContain("pattern");
    expect(errorOf(await grep({}), "INVALID_INPUT")).toContain("pattern");
    expect(errorOf(await grep({ pattern: "x", head_limit: -1 }), "INVALID_INPUT")).toContain("head_limit");
    expect(errorOf(await grep({ pattern: "x", "-A": "two" }), "INVALID_INPUT")).toContain("-A");
  });

  it("a ripgrep that cannot start is IO_ERROR pointing at BORIS_RG_PATH", async () => {
    const { grep } = await setup({ "a.txt": "x\n" }, testConfig({ rgPath: "/nonexistent/bin/rg" }));
    const msg = errorOf(await grep({ pattern: "x" }), "IO_ERROR");
    expect(msg).toContain("/nonexistent/bin/rg");
    expect(msg).toContain("BORIS_RG_PATH");
  });

  it("missing root is PATH_NOT_FOUND", async () => {
    const { grep } = await setup({ "a.txt": "x\n" });
    expect(errorOf(await grep({ pattern: "x", path: "nope" }), "PATH_NOT_FOUND")).toContain("nope");
  });
});

describe("grep scoping", () => {
  it("a denied root is ACCESS_DENIED; denied files are silently absent", async () => {
    const root = await tempDir("boris-grep-scope-");
    dirs.push(root);
    await tree(root, {
      "ok.txt": "needle\n",
      ".env": "needle\n",
      "secrets/key.txt": "needle\n",
      "sub/.env": "needle\n",
      "conf/app.secret": "needle\n",
    });
    const config = testConfig({
      pathScope: createPathScope({ denyPatterns: ["**/.env", "secrets", "**/*.secret"] }),
    });
    const h = await connect(config, root);
    harnesses.push(h);
    expect(okText(await h.call("grep", { pattern: "needle" }))).toBe("ok.txt");
    expect(okText(await h.call("grep", { pattern: "needle", output_mode: "content" }))).toBe(
      "ok.txt:1:needle",
    );
    expect(okText(await h.call("grep", { pattern: "needle", output_mode: "count" }))).toBe("ok.txt:1");
    expect(errorOf(await h.call("grep", { pattern: "needle", path: "secrets" }), "ACCESS_DENIED")).toContain(
      "secrets",
    );
    expect(errorOf(await h.call("grep", { pattern: "needle", path: ".env" }), "ACCESS_DENIED")).toContain(
      ".env",
    );
  });

  it("a file reached through a symlink out of the allowed dir is absent; context separators stay tidy", async () => {
    const base = await tempDir("boris-grep-allow-");
    dirs.push(base);
    const allowed = path.join(base, "allowed");
    await tree(base, {
      "allowed/a.txt": "before\nneedle\nafter\n",
      "allowed/z.txt": "before\nneedle\nafter\n",
      "outside/secret.txt": "before\nneedle\nafter\n",
      "outside/dir/s2.txt": "needle\n",
    });
    await symlink(path.join(base, "outside/secret.txt"), path.join(allowed, "m-link.txt"));
    await symlink(path.join(base, "outside/dir"), path.join(allowed, "dirlink"));
    const config = testConfig({ pathScope: createPathScope({ allowDirs: [allowed] }) });
    const h = await connect(config, allowed);
    harnesses.push(h);
    expect(sorted(okText(await h.call("grep", { pattern: "needle" })))).toEqual(["a.txt", "z.txt"]);
    const content = okText(await h.call("grep", { pattern: "needle", output_mode: "content", context: 1 }));
    const groups = content.split("\n--\n").sort();
    expect(groups).toEqual([
      "a.txt-1-before\na.txt:2:needle\na.txt-3-after",
      "z.txt-1-before\nz.txt:2:needle\nz.txt-3-after",
    ]);
    expect(
      errorOf(await h.call("grep", { pattern: "needle", path: "m-link.txt" }), "ACCESS_DENIED"),
    ).toContain("outside");
    expect(errorOf(await h.call("grep", { pattern: "x", path: base }), "ACCESS_DENIED")).toContain("allowed");
  });
});

describe("grep argument names", () => {
  it("accepts Claude Code's names in standard mode", async () => {
    const { grep } = await setup({ "a.ts": "Foo\nx\nfoo\n", "b.js": "foo\n" });
    const out = okText(
      await grep({ pattern: "foo", glob: "*.ts", "-i": true, "-n": true, "-A": 1, output_mode: "content" }),
    );
    expect(out).toBe("a.ts:1:Foo\na.ts-2-x\na.ts:3:foo");
    expect(
      okText(await grep({ pattern: "foo", path: "a.ts", "-C": 1, "-n": false, output_mode: "content" })),
    ).toBe("a.ts-x\na.ts:foo");
    expect(okText(await grep({ pattern: "foo", path: "a.ts", "-B": 1, output_mode: "content" }))).toBe(
      "a.ts-2-x\na.ts:3:foo",
    );
  });

  it("conflicting values under both names are INVALID_INPUT", async () => {
    const { grep } = await setup({ "a.ts": "foo\n" });
    expect(errorOf(await grep({ pattern: "foo", include: "*.ts", glob: "*.js" }), "INVALID_INPUT")).toContain(
      "glob",
    );
  });

  it("compat mode advertises Claude Code's names and accepts the standard ones", async () => {
    const { h, grep } = await setup({ "a.ts": "foo\nbar\n" }, testConfig({ anthropicCompat: true }));
    const tools = await h.client.listTools();
    const schema = tools.tools.find((t) => t.name === "grep")!.inputSchema;
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(
      [
        "-A",
        "-B",
        "-C",
        "-i",
        "-n",
        "glob",
        "head_limit",
        "multiline",
        "offset",
        "output_mode",
        "path",
        "pattern",
        "type",
      ].sort(),
    );
    expect(schema.required).toEqual(["pattern"]);
    expect(
      okText(
        await grep({ pattern: "FOO", case_insensitive: true, context_after: 1, output_mode: "content" }),
      ),
    ).toBe("a.ts:1:foo\na.ts-2-bar");
  });

  it("standard mode advertises the standard names", async () => {
    const { h } = await setup({ "a.ts": "foo\n" });
    const tools = await h.client.listTools();
    const schema = tools.tools.find((t) => t.name === "grep")!.inputSchema;
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(
      [
        "case_insensitive",
        "context",
        "context_after",
        "context_before",
        "head_limit",
        "include",
        "line_numbers",
        "multiline",
        "offset",
        "output_mode",
        "path",
        "pattern",
        "type",
      ].sort(),
    );
    const mode = (schema.properties as Record<string, { enum?: string[] }>).output_mode;
    expect(mode?.enum).toEqual(["files_with_matches", "content", "count"]);
  });
});
