// grep's errors, path scoping and its two argument name sets.
import { symlink } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createPathScope } from "../scope/path-scope.js";
import { errorOf, okText, testConfig } from "../test/file-support.js";
import { searchFixture, sorted, tree } from "../test/search-support.js";

const { setup, folder, serve } = searchFixture("boris-grep-");

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
    const root = await folder("boris-grep-scope-");
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
    const h = await serve(config, root);
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
    const base = await folder("boris-grep-allow-");
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
    const h = await serve(config, allowed);
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
