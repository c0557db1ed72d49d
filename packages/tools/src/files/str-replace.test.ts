import {
  chmod,
  lstat,
  readdir,
  readFile,
  readlink,
  stat,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
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
let n = 0;

beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await removeDir(dir);
});
afterEach(async () => {
  await h?.close();
});

/** A fresh file per test, so tests cannot see each other's edits. */
async function file(content: string | Buffer, mode?: number): Promise<string> {
  const p = path.join(dir, `f${++n}.txt`);
  await writeFile(p, content);
  if (mode !== undefined) await chmod(p, mode);
  return p;
}

async function viewed(content: string | Buffer, mode?: number): Promise<string> {
  const p = await file(content, mode);
  okText(await h.call("view", { path: p }));
  return p;
}

const numbered = (from: number, lines: string[]): string =>
  lines.map((l, i) => `${String(from + i).padStart(6)}\t${l}`).join("\n");

describe("str_replace", () => {
  it("replaces one occurrence and confirms with a numbered snippet", async () => {
    h = await connect(testConfig(), dir);
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const p = await viewed(`${lines.join("\n")}\n`);
    const text = okText(
      await h.call("str_replace", { path: p, old_str: "line 10\n", new_str: "ten\nTEN\n" }),
    );
    expect(await readFile(p, "utf8")).toBe(
      `${[...lines.slice(0, 9), "ten", "TEN", ...lines.slice(10)].join("\n")}\n`,
    );
    expect(text).toBe(
      `Edited ${p}: replaced 1 occurrence (now 151 bytes). Lines 6-15:\n${numbered(6, [
        "line 6",
        "line 7",
        "line 8",
        "line 9",
        "ten",
        "TEN",
        "line 11",
        "line 12",
        "line 13",
        "line 14",
      ])}`,
    );
  });

  it("needs a prior view (FILE_NOT_VIEWED), and a write by the session counts as one", async () => {
    h = await connect(testConfig(), dir);
    const p = await file("a = 1\nb = 2\n");
    expect(
      errorOf(
        await h.call("str_replace", { path: p, old_str: "a = 1", new_str: "a = 3" }),
        "FILE_NOT_VIEWED",
      ),
    ).toBe(`${p} has not been viewed in this session. View it first with view, then retry the edit.`);
    expect(await readFile(p, "utf8")).toBe("a = 1\nb = 2\n");
    okText(await h.call("view", { path: p, view_range: [2, 2] }));
    okText(await h.call("str_replace", { path: p, old_str: "a = 1", new_str: "a = 3" }));
    // The session's own write updated the record: a second edit needs no new view.
    okText(await h.call("str_replace", { path: p, old_str: "b = 2", new_str: "b = 4" }));
    expect(await readFile(p, "utf8")).toBe("a = 3\nb = 4\n");
    const st = await stat(p);
    expect(h.session.viewed.get(p)).toEqual({ size: st.size, mtimeMs: st.mtimeMs });
  });

  it("a view in another session does not count", async () => {
    h = await connect(testConfig(), dir);
    const p = await viewed("x\n");
    const other = await connect(testConfig(), dir);
    try {
      errorOf(await other.call("str_replace", { path: p, old_str: "x", new_str: "y" }), "FILE_NOT_VIEWED");
    } finally {
      await other.close();
    }
  });

  it("refuses an edit after the file changed on disk since the view (size or mtime)", async () => {
    h = await connect(testConfig(), dir);
    const p = await viewed("value = 1\n");
    await writeFile(p, "value = 1\nadded by someone else\n");
    expect(
      errorOf(
        await h.call("str_replace", { path: p, old_str: "value = 1", new_str: "value = 2" }),
        "FILE_CHANGED_SINCE_VIEW",
      ),
    ).toBe(
      `${p} changed on disk since this session last viewed it (its size went from 10 to 32 bytes). View it again with view, then retry the edit against its current content.`,
    );
    expect(await readFile(p, "utf8")).toBe("value = 1\nadded by someone else\n");

    // Same size, different mtime.
    const q = await viewed("value = 1\n");
    await writeFile(q, "value = 9\n");
    // Whole seconds: utimes stores a float of seconds, which may not round-trip a millisecond.
    const later = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000);
    await utimes(q, later, later);
    expect(
      errorOf(
        await h.call("str_replace", { path: q, old_str: "value", new_str: "v" }),
        "FILE_CHANGED_SINCE_VIEW",
      ),
    ).toContain(`it was modified at ${later.toISOString()}`);

    // Viewing again unlocks it.
    okText(await h.call("view", { path: q }));
    okText(await h.call("str_replace", { path: q, old_str: "value = 9", new_str: "value = 10" }));
    expect(await readFile(q, "utf8")).toBe("value = 10\n");
  });

  it("edits without a view when requireViewBeforeEdit is off", async () => {
    h = await connect(testConfig({ requireViewBeforeEdit: false }), dir);
    const p = await file("k: v\n");
    okText(await h.call("str_replace", { path: p, old_str: "v", new_str: "w" }));
    expect(await readFile(p, "utf8")).toBe("k: w\n");
  });

  it("STR_REPLACE_NOT_FOUND and STR_REPLACE_AMBIGUOUS with the count and the hint", async () => {
    h = await connect(testConfig(), dir);
    const p = await viewed("x = 1\nx = 1\nx = 1\n");
    expect(
      errorOf(
        await h.call("str_replace", { path: p, old_str: "y = 1", new_str: "z" }),
        "STR_REPLACE_NOT_FOUND",
      ),
    ).toBe(
      `old_str was not found in ${p}. It must match the file exactly, including whitespace, indentation and line breaks; view the file and copy the text from it.`,
    );
    expect(
      errorOf(
        await h.call("str_replace", { path: p, old_str: "x = 1", new_str: "x = 2" }),
        "STR_REPLACE_AMBIGUOUS",
      ),
    ).toBe(
      `old_str occurs 3 times in ${p}. Add surrounding lines to old_str so it matches exactly one place, or pass replace_all: true to replace all 3.`,
    );
    expect(await readFile(p, "utf8")).toBe("x = 1\nx = 1\nx = 1\n");
  });

  it("replace_all replaces every occurrence and says how many", async () => {
    h = await connect(testConfig(), dir);
    const p = await viewed("a $& b\na $& b\nc\na $& b\n");
    const text = okText(
      await h.call("str_replace", { path: p, old_str: "$&", new_str: "$1", replace_all: true }),
    );
    // `$` patterns are taken literally, not as replacement patterns.
    expect(await readFile(p, "utf8")).toBe("a $1 b\na $1 b\nc\na $1 b\n");
    expect(text.split("\n")[0]).toBe(
      `Edited ${p}: replaced 3 occurrences (now 23 bytes). Lines 1-4 (around the first replacement):`,
    );
  });

  it("deletes with an empty or omitted new_str", async () => {
    h = await connect(testConfig(), dir);
    const p = await viewed("keep\ndrop me\nkeep too\n");
    const text = okText(await h.call("str_replace", { path: p, old_str: "drop me\n" }));
    expect(await readFile(p, "utf8")).toBe("keep\nkeep too\n");
    expect(text).toBe(
      `Edited ${p}: replaced 1 occurrence (now 14 bytes). Lines 1-2:\n${numbered(1, ["keep", "keep too"])}`,
    );
  });

  it("rejects an empty old_str, a missing one and identical old/new", async () => {
    h = await connect(testConfig(), dir);
    const p = await viewed("x\n");
    expect(errorOf(await h.call("str_replace", { path: p, new_str: "y" }), "INVALID_INPUT")).toContain(
      "missing required argument 'old_str'",
    );
    expect(errorOf(await h.call("str_replace", { path: p, old_str: "" }), "INVALID_INPUT")).toContain(
      "'old_str'",
    );
    expect(
      errorOf(await h.call("str_replace", { path: p, old_str: "x", new_str: "x" }), "INVALID_INPUT"),
    ).toBe("old_str and new_str are identical, so there is nothing to change.");
  });

  it("preserves the file mode", async () => {
    h = await connect(testConfig(), dir);
    const p = await viewed("#!/bin/sh\necho hi\n", 0o751);
    okText(await h.call("str_replace", { path: p, old_str: "hi", new_str: "there" }));
    expect((await stat(p)).mode & 0o7777).toBe(0o751);
    const q = await viewed("secret\n", 0o600);
    okText(await h.call("str_replace", { path: q, old_str: "secret", new_str: "still secret" }));
    expect((await stat(q)).mode & 0o7777).toBe(0o600);
  });

  it("in a CRLF file, \\n in old_str/new_str matches CRLF and is written as CRLF", async () => {
    h = await connect(testConfig(), dir);
    const p = await viewed("one\r\ntwo\r\nthree\r\n");
    okText(await h.call("str_replace", { path: p, old_str: "one\ntwo", new_str: "1\n2\n2.5" }));
    expect(await readFile(p, "latin1")).toBe("1\r\n2\r\n2.5\r\nthree\r\n");
    // A single-line match with a multi-line replacement also gets CRLF.
    okText(await h.call("str_replace", { path: p, old_str: "three", new_str: "3\n4" }));
    expect(await readFile(p, "latin1")).toBe("1\r\n2\r\n2.5\r\n3\r\n4\r\n");
    // An LF file stays LF.
    const q = await viewed("a\nb\n");
    okText(await h.call("str_replace", { path: q, old_str: "a\nb", new_str: "c\nd" }));
    expect(await readFile(q, "latin1")).toBe("c\nd\n");
  });

  it("keeps a UTF-8 BOM", async () => {
    h = await connect(testConfig(), dir);
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const p = await viewed(Buffer.concat([bom, Buffer.from("first\nsecond\n")]));
    okText(await h.call("str_replace", { path: p, old_str: "first", new_str: "erste" }));
    expect(await readFile(p)).toEqual(Buffer.concat([bom, Buffer.from("erste\nsecond\n")]));
  });

  it("writes through a symlink to its target and leaves no temp files", async () => {
    h = await connect(testConfig(), dir);
    const target = await file("through link\n");
    const link = path.join(dir, `link${++n}`);
    await symlink(path.basename(target), link);
    okText(await h.call("view", { path: link }));
    okText(await h.call("str_replace", { path: link, old_str: "through", new_str: "via" }));
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(path.basename(target));
    expect(await readFile(target, "utf8")).toBe("via link\n");
    expect((await readdir(dir)).filter((f) => f.includes("boris-tmp"))).toEqual([]);
  });

  it("refuses binary and non-UTF-8 files", async () => {
    h = await connect(testConfig(), dir);
    const bin = await viewed(Buffer.from("abc\0def"));
    expect(
      errorOf(await h.call("str_replace", { path: bin, old_str: "abc", new_str: "x" }), "INVALID_INPUT"),
    ).toBe(`${bin} is a binary file; str_replace edits text files only. Change it with bash if you must.`);
    const latin = await viewed(Buffer.from("caf\xe9 ok\n", "latin1"));
    expect(
      errorOf(await h.call("str_replace", { path: latin, old_str: "ok", new_str: "x" }), "INVALID_INPUT"),
    ).toContain("is not valid UTF-8 text");
    expect(await readFile(latin, "latin1")).toBe("caf\xe9 ok\n");
  });

  it("PATH_NOT_FOUND suggests create_file; a directory is refused", async () => {
    h = await connect(testConfig(), dir);
    expect(
      errorOf(await h.call("str_replace", { path: "missing.txt", old_str: "a" }), "PATH_NOT_FOUND"),
    ).toBe(
      "missing.txt does not exist. Check the path (relative paths resolve against the current working directory), or use create_file to create a new file.",
    );
    expect(errorOf(await h.call("str_replace", { path: dir, old_str: "a" }), "INVALID_INPUT")).toBe(
      `${dir} is a directory; str_replace edits a file.`,
    );
  });

  it("FILE_TOO_LARGE for a file or a result over the limit", async () => {
    h = await connect(testConfig({ maxFileSize: 100 }), dir);
    const big = await file("x".repeat(101));
    expect(
      errorOf(await h.call("str_replace", { path: big, old_str: "x", replace_all: true }), "FILE_TOO_LARGE"),
    ).toBe(
      `${big} is 101 bytes, over the 100 bytes limit (--max-file-size). Edit it with bash (e.g. sed) instead.`,
    );
    const p = await viewed("grow\n");
    expect(
      errorOf(
        await h.call("str_replace", { path: p, old_str: "grow", new_str: "g".repeat(200) }),
        "FILE_TOO_LARGE",
      ),
    ).toContain(`the edited ${p} is 201 bytes, over the 100 bytes limit`);
    expect(await readFile(p, "utf8")).toBe("grow\n");
  });
});
