import { execFileSync } from "node:child_process";
import { mkdir, stat, symlink, writeFile } from "node:fs/promises";
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
  textOf,
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

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const p = path.join(dir, name);
  await mkdir(path.dirname(p), { recursive: true });
  await writeFile(p, content);
  return p;
}

const lines = (n: number, f = (i: number) => `line ${i}`): string =>
  Array.from({ length: n }, (_, i) => `${f(i + 1)}\n`).join("");

describe("view of a text file", () => {
  it("prints cat -n format byte for byte and records the view", async () => {
    h = await connect(testConfig(), dir);
    const p = await file("a.txt", "alpha\n\tindented\n\nlast line without newline");
    const text = okText(await h.call("view", { path: p }));
    expect(text).toBe("     1\talpha\n     2\t\tindented\n     3\t\n     4\tlast line without newline");
    const st = await stat(p);
    expect(h.session.viewed.get(p)).toEqual({ size: st.size, mtimeMs: st.mtimeMs });
  });

  it("resolves relative paths against the session cwd and records the canonical path", async () => {
    h = await connect(testConfig(), dir);
    await file("sub/rel.txt", "x\n");
    await symlink(path.join(dir, "sub"), path.join(dir, "sub-link"));
    expect(okText(await h.call("view", { path: "sub/rel.txt" }))).toBe("     1\tx");
    h.session.viewed.clear();
    expect(okText(await h.call("view", { path: "sub-link/rel.txt" }))).toBe("     1\tx");
    expect([...h.session.viewed.keys()]).toEqual([path.join(dir, "sub", "rel.txt")]);
  });

  it("hides CR of CRLF lines and a UTF-8 BOM", async () => {
    h = await connect(testConfig(), dir);
    const p = await file(
      "crlf.txt",
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("one\r\ntwo\r\n")]),
    );
    expect(okText(await h.call("view", { path: p }))).toBe("     1\tone\n     2\ttwo");
  });

  it("numbers past 999999 still get a tab", async () => {
    h = await connect(testConfig(), dir);
    const p = await file("many.txt", `${"\n".repeat(1_000_001)}end\n`);
    expect(okText(await h.call("view", { path: p, view_range: [1_000_001, -1] }))).toBe(
      "1000001\t\n1000002\tend",
    );
  });

  it("caps at 2000 lines with the truncation notice, counting every line", async () => {
    h = await connect(testConfig(), dir);
    const p = await file("long.txt", lines(2500));
    const text = okText(await h.call("view", { path: p }));
    const expected = `${Array.from({ length: 2000 }, (_, i) => `${String(i + 1).padStart(6)}\tline ${i + 1}`).join("\n")}\n\nTruncated: file has 2500 lines. Use view_range to read specific sections.`;
    expect(text).toBe(expected);
    const exact = await file("exact.txt", lines(2000));
    const all = okText(await h.call("view", { path: exact }));
    expect(all.endsWith("  2000\tline 2000")).toBe(true);
    expect(all).not.toContain("Truncated");
    // A last line without a newline counts too.
    const partial = await file("partial.txt", `${lines(2000)}tail`);
    expect(okText(await h.call("view", { path: partial }))).toContain("Truncated: file has 2001 lines.");
  });

  it("cuts lines over 2000 characters, counting characters not bytes", async () => {
    h = await connect(testConfig(), dir);
    const p = await file("wide.txt", `${"x".repeat(2500)}\n${"é".repeat(2000)}\n${"😀".repeat(2001)}\n`);
    const out = okText(await h.call("view", { path: p })).split("\n");
    expect(out[0]).toBe(`     1\t${"x".repeat(2000)}... [truncated, 2500 chars total]`);
    expect(out[1]).toBe(`     2\t${"é".repeat(2000)}`);
    expect(out[2]).toBe(`     3\t${"😀".repeat(2000)}... [truncated, 2001 chars total]`);
  });
});

describe("view_range", () => {
  it("returns the inclusive range, -1 to the end, and clamps an end past the file", async () => {
    h = await connect(testConfig(), dir);
    const p = await file("r.txt", lines(10));
    expect(okText(await h.call("view", { path: p, view_range: [3, 5] }))).toBe(
      "     3\tline 3\n     4\tline 4\n     5\tline 5",
    );
    expect(okText(await h.call("view", { path: p, view_range: [9, -1] }))).toBe(
      "     9\tline 9\n    10\tline 10",
    );
    expect(okText(await h.call("view", { path: p, view_range: [10, 500] }))).toBe("    10\tline 10");
    expect(okText(await h.call("view", { path: p, view_range: [4, 4] }))).toBe("     4\tline 4");
  });

  it("rejects start < 1, start > end and start past the file, saying the valid range", async () => {
    h = await connect(testConfig(), dir);
    const p = await file("r2.txt", lines(10));
    const valid =
      "r2.txt has 10 lines, so start must be between 1 and 10 and end must be at least start, or -1 for the end of the file. Example: [1, 10].";
    expect(errorOf(await h.call("view", { path: "r2.txt", view_range: [0, 3] }), "INVALID_INPUT")).toBe(
      `invalid view_range [0, 3]: ${valid}`,
    );
    expect(errorOf(await h.call("view", { path: "r2.txt", view_range: [6, 2] }), "INVALID_INPUT")).toBe(
      `invalid view_range [6, 2]: ${valid}`,
    );
    expect(errorOf(await h.call("view", { path: "r2.txt", view_range: [11, 12] }), "INVALID_INPUT")).toBe(
      `invalid view_range [11, 12]: ${valid}`,
    );
    expect(errorOf(await h.call("view", { path: p, view_range: [3, -2] }), "INVALID_INPUT")).toContain(
      "invalid view_range [3, -2]",
    );
    expect(errorOf(await h.call("view", { path: p, view_range: [3] }), "INVALID_INPUT")).toBe(
      "view: argument 'view_range': must be two integers [start, end], got [3]. Example: [10, 40], or [10, -1] to read from line 10 to the end. Fix the arguments and call again.",
    );
    // The element that is wrong is named, with its value.
    expect(errorOf(await h.call("view", { path: p, view_range: [1.5, 2] }), "INVALID_INPUT")).toBe(
      "view: argument 'view_range[0]' must be an integer, got 1.5. Fix the arguments and call again.",
    );
    expect(errorOf(await h.call("view", { path: p, view_range: [1, "9"] }), "INVALID_INPUT")).toBe(
      "view: argument 'view_range[1]' must be number, got string. Fix the arguments and call again.",
    );
    expect(errorOf(await h.call("view", { path: p, view_range: "1-3" }), "INVALID_INPUT")).toContain(
      "view_range",
    );
    // A failed view records nothing.
    expect(h.session.viewed.size).toBe(0);
  });
});

describe("special files", () => {
  it("refuses files over maxFileSize with FILE_TOO_LARGE; the limit itself is fine", async () => {
    h = await connect(testConfig({ maxFileSize: 1000 }), dir);
    const at = await file("at-limit.txt", `${"x".repeat(999)}\n`);
    expect(okText(await h.call("view", { path: at, view_range: [1, 1] }))).toBe(`     1\t${"x".repeat(999)}`);
    const over = await file("over.txt", "x".repeat(1001));
    expect(errorOf(await h.call("view", { path: over }), "FILE_TOO_LARGE")).toBe(
      `${over} is 1001 bytes, over the 1000 bytes limit (--max-file-size). Search it with grep, or read parts of it with bash (e.g. sed -n '100,200p').`,
    );
  });

  it("says an empty file is empty and counts it as viewed", async () => {
    h = await connect(testConfig(), dir);
    const p = await file("empty.txt", "");
    expect(okText(await h.call("view", { path: "empty.txt" }))).toBe("empty.txt is empty (0 bytes).");
    expect(h.session.viewed.has(p)).toBe(true);
  });

  it("reports other binary files by size without their bytes", async () => {
    h = await connect(testConfig(), dir);
    const bytes = Buffer.alloc(Math.round(2.4 * 1024 * 1024), 0x41);
    bytes[5000] = 0;
    await file("blob.bin", bytes);
    const text = okText(await h.call("view", { path: "blob.bin" }));
    expect(text).toBe(
      "Binary file (2.4 MB): blob.bin. Its contents are not shown; inspect it with bash (file, xxd) if needed.",
    );
    // A NUL after the first 8 KB does not make a file binary.
    const late = Buffer.from(`${"a".repeat(9000)}\0b`);
    await file("late-nul.txt", late);
    expect(okText(await h.call("view", { path: "late-nul.txt" }))).toMatch(
      /^ {5}1\ta{2000}\.\.\. \[truncated/,
    );
  });

  const images: [string, string, Buffer][] = [
    [
      "png",
      "image/png",
      Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex"),
    ],
    ["jpg", "image/jpeg", Buffer.from("ffd8ffe000104a46494600010100000100010000ffd9", "hex")],
    ["gif", "image/gif", Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1")],
    [
      "webp",
      "image/webp",
      Buffer.concat([Buffer.from("RIFF\x1a\x00\x00\x00WEBPVP8L", "latin1"), Buffer.alloc(14)]),
    ],
    [
      "bmp",
      "image/bmp",
      Buffer.concat([
        Buffer.from("BM", "latin1"),
        Buffer.from("3a000000000000003600000028000000", "hex"),
        Buffer.alloc(40),
      ]),
    ],
    ["svg", "image/svg+xml", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n')],
  ];

  for (const [ext, mime, bytes] of images) {
    it(`returns a ${ext} as image content (${mime}, base64)`, async () => {
      h = await connect(testConfig(), dir);
      // Magic bytes decide, not the name (except for SVG).
      const name = ext === "svg" ? "pic.SVG" : `pic-${ext}.dat`;
      const p = await file(name, bytes);
      const result = await h.call("view", { path: p });
      expect(result.isError).toBeFalsy();
      const image = result.content.find((c) => c.type === "image");
      expect(image).toEqual({ type: "image", data: bytes.toString("base64"), mimeType: mime });
      expect(textOf(result)).toBe(`Image ${p} (${mime}, ${bytes.length} bytes)`);
      expect(h.session.viewed.has(p)).toBe(true);
    });
  }

  it("does not take a text file starting with BM for a bitmap", async () => {
    h = await connect(testConfig(), dir);
    await file("bm.txt", "BMW and other cars\nsecond line of the text file here\n");
    expect(okText(await h.call("view", { path: "bm.txt" }))).toBe(
      "     1\tBMW and other cars\n     2\tsecond line of the text file here",
    );
  });

  it("gives PATH_NOT_FOUND naming the path", async () => {
    h = await connect(testConfig(), dir);
    expect(errorOf(await h.call("view", { path: "nope/missing.txt" }), "PATH_NOT_FOUND")).toBe(
      "nope/missing.txt does not exist. Check the path (relative paths resolve against the current working directory).",
    );
  });

  it("refuses a FIFO instead of blocking on it", async () => {
    h = await connect(testConfig(), dir);
    execFileSync("mkfifo", [path.join(dir, "pipe")]);
    expect(errorOf(await h.call("view", { path: "pipe" }), "IO_ERROR")).toBe(
      "pipe is not a regular file or directory (a device, FIFO or socket); view reads only files and directories.",
    );
  });

  it("answers SESSION_CLOSED once the session is closed", async () => {
    h = await connect(testConfig(), dir);
    await file("after-close.txt", "x\n");
    await h.session.close();
    expect(errorOf(await h.call("view", { path: "after-close.txt" }), "SESSION_CLOSED")).toBe(
      "this session is closed; reconnect to start a new session.",
    );
    expect(
      errorOf(await h.call("create_file", { path: "after-close-2.txt", content: "" }), "SESSION_CLOSED"),
    ).toContain("closed");
  });

  it("requires a non-empty path", async () => {
    h = await connect(testConfig(), dir);
    expect(errorOf(await h.call("view", {}), "INVALID_INPUT")).toContain("missing required argument 'path'");
    expect(errorOf(await h.call("view", { path: "" }), "INVALID_INPUT")).toContain("'path'");
  });
});
