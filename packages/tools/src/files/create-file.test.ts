import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
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

beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await removeDir(dir);
});
afterEach(async () => {
  await h?.close();
});

const modeOf = async (p: string): Promise<number> => (await stat(p)).mode & 0o7777;

describe("create_file", () => {
  it("creates a file with missing parents: dirs 0755, file 0644, whatever the umask", async () => {
    h = await connect(testConfig(), dir);
    const old = process.umask(0o077);
    try {
      const text = okText(await h.call("create_file", { path: "new/deeper/hello.txt", content: "héllo\n" }));
      expect(text).toBe("Created new/deeper/hello.txt (7 bytes).");
    } finally {
      process.umask(old);
    }
    const p = path.join(dir, "new", "deeper", "hello.txt");
    expect(await readFile(p)).toEqual(Buffer.from("héllo\n"));
    expect(await modeOf(path.join(dir, "new"))).toBe(0o755);
    expect(await modeOf(path.join(dir, "new", "deeper"))).toBe(0o755);
    expect(await modeOf(p)).toBe(0o644);
  });

  it("writes content exactly as given (CRLF, no newline added) and may be empty", async () => {
    h = await connect(testConfig(), dir);
    okText(await h.call("create_file", { path: "crlf.txt", content: "a\r\nb" }));
    expect(await readFile(path.join(dir, "crlf.txt"), "latin1")).toBe("a\r\nb");
    expect(okText(await h.call("create_file", { path: "empty.txt", content: "" }))).toBe(
      "Created empty.txt (0 bytes).",
    );
    expect((await stat(path.join(dir, "empty.txt"))).size).toBe(0);
  });

  it("reports sizes from 1 KB with the byte count", async () => {
    h = await connect(testConfig(), dir);
    expect(okText(await h.call("create_file", { path: "kb.txt", content: "x".repeat(2560) }))).toBe(
      "Created kb.txt (2.5 KB, 2560 bytes).",
    );
  });

  it("overwriting needs a prior view; then it keeps the mode", async () => {
    h = await connect(testConfig(), dir);
    const p = path.join(dir, "existing.sh");
    await writeFile(p, "old\n");
    await chmod(p, 0o700);
    expect(errorOf(await h.call("create_file", { path: p, content: "new\n" }), "FILE_NOT_VIEWED")).toBe(
      `${p} has not been viewed in this session. View it first with view, then retry the overwrite.`,
    );
    expect(await readFile(p, "utf8")).toBe("old\n");
    okText(await h.call("view", { path: p }));
    expect(okText(await h.call("create_file", { path: p, content: "new\n" }))).toBe(
      `Overwrote ${p} (4 bytes).`,
    );
    expect(await readFile(p, "utf8")).toBe("new\n");
    expect(await modeOf(p)).toBe(0o700);
  });

  it("refuses to overwrite a file that changed since the view", async () => {
    h = await connect(testConfig(), dir);
    const p = path.join(dir, "moving.txt");
    await writeFile(p, "v1\n");
    okText(await h.call("view", { path: p }));
    await writeFile(p, "v2 by another process\n");
    expect(
      errorOf(await h.call("create_file", { path: p, content: "mine\n" }), "FILE_CHANGED_SINCE_VIEW"),
    ).toContain("then retry the overwrite against its current content");
    expect(await readFile(p, "utf8")).toBe("v2 by another process\n");
  });

  it("a created file counts as viewed: str_replace and a second create need no view", async () => {
    h = await connect(testConfig(), dir);
    okText(await h.call("create_file", { path: "mine.txt", content: "draft\n" }));
    const p = path.join(dir, "mine.txt");
    const st = await stat(p);
    expect(h.session.viewed.get(p)).toEqual({ size: st.size, mtimeMs: st.mtimeMs });
    okText(await h.call("str_replace", { path: "mine.txt", old_str: "draft", new_str: "final" }));
    okText(await h.call("create_file", { path: "mine.txt", content: "rewritten\n" }));
    expect(await readFile(p, "utf8")).toBe("rewritten\n");
  });

  it("FILE_TOO_LARGE for content over the limit, and nothing is written", async () => {
    h = await connect(testConfig({ maxFileSize: 2048 }), dir);
    expect(
      errorOf(await h.call("create_file", { path: "big.txt", content: "é".repeat(1500) }), "FILE_TOO_LARGE"),
    ).toBe(
      "The content for big.txt is 2.9 KB (3000 bytes), over the 2.0 KB limit (--max-file-size). Split it into smaller files.",
    );
    await expect(stat(path.join(dir, "big.txt"))).rejects.toThrow();
  });

  it("content is required; a directory or a file as parent is refused", async () => {
    h = await connect(testConfig(), dir);
    expect(errorOf(await h.call("create_file", { path: "x.txt" }), "INVALID_INPUT")).toContain(
      "missing required argument 'content'",
    );
    await mkdir(path.join(dir, "a-dir"), { recursive: true });
    expect(errorOf(await h.call("create_file", { path: "a-dir", content: "" }), "INVALID_INPUT")).toBe(
      "a-dir is a directory; pass the path of a file to create.",
    );
    await writeFile(path.join(dir, "plain"), "");
    expect(errorOf(await h.call("create_file", { path: "plain/child.txt", content: "" }), "IO_ERROR")).toBe(
      "create plain/child.txt failed: a parent of the path is not a directory.",
    );
  });
});
