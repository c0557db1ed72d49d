// grep's output: the formats of each mode, offset/head_limit and the 30000-character cap.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { okText } from "../test/file-support.js";
import { ages, lines, searchFixture, sorted } from "../test/search-support.js";

const { setup } = searchFixture("boris-grep-");

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
