// view never reads more than its size check allowed: files growing while read, /proc files that
// report size 0, and images bigger than clients accept.
import fs, { appendFileSync, existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
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
  dir = await tempDir("boris-view-limits-");
});
afterAll(async () => {
  await removeDir(dir);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
});

const lines = (from: number, n: number): string =>
  Array.from({ length: n }, (_, i) => `line ${from + i}\n`).join("");

/**
 * Makes `file` grow by `more` right after its next fstat, the moment between view's size check and
 * its read: as a log written while it is viewed.
 */
function growAfterNextFstat(file: string, more: string): void {
  vi.restoreAllMocks();
  const fstatSync = fs.fstatSync;
  let armed = true;
  vi.spyOn(fs, "fstatSync").mockImplementation(((...args: Parameters<typeof fs.fstatSync>) => {
    const stats = fstatSync(...args);
    if (armed) {
      armed = false;
      appendFileSync(file, more);
    }
    return stats;
  }) as typeof fs.fstatSync);
}

describe("view of a file that grows while it is read", () => {
  it("reads only up to the size it checked and says the file was still growing", async () => {
    h = await connect(testConfig(), dir);
    const p = path.join(dir, "growing.log");
    await writeFile(p, lines(1, 3000));
    growAfterNextFstat(p, lines(3001, 5000));
    const text = okText(await h.call("view", { path: "growing.log" }));
    expect(text).toContain("Truncated: file has 3000 lines.");
    expect(text).toContain(
      "[growing.log was still growing while it was read: shown up to 28.2 KB, its size when the read began. View it again for more.]",
    );
    h.session.viewed.clear();
    growAfterNextFstat(p, lines(8001, 10));
    const tail = okText(await h.call("view", { path: "growing.log", view_range: [7999, -1] }));
    expect(tail.split("\n")[0]).toBe("  7999\tline 7999");
    expect(tail).toContain("  8000\tline 8000\n\n[growing.log was still growing");
    expect(tail).not.toContain("line 8001");
  });
});

describe.skipIf(!existsSync("/proc/cpuinfo"))("view of a /proc file (size 0)", () => {
  it("reads it to the end instead of calling it empty", async () => {
    h = await connect(testConfig(), dir);
    const text = okText(await h.call("view", { path: "/proc/cpuinfo" }));
    expect(text).toMatch(/^ {5}1\tprocessor\s*: 0$/m);
    expect(text).not.toContain("empty");
  });

  it("stops at --max-file-size and says so", async () => {
    h = await connect(testConfig({ maxFileSize: 100 }), dir);
    const text = okText(await h.call("view", { path: "/proc/cpuinfo" }));
    expect(text).toContain(
      "[/proc/cpuinfo reports no size and holds more than the 100 bytes limit (--max-file-size): cut there. Read the rest with bash.]",
    );
    const shown = text.slice(0, text.indexOf("\n\n["));
    const bytes = shown.split("\n").reduce((n, l) => n + Buffer.byteLength(l.replace(/^ *\d+\t/, "")) + 1, 0);
    expect(bytes).toBeLessThanOrEqual(101);
  });
});

describe("view of an image over --max-image-size", () => {
  const png = (size: number): Buffer => {
    const head = Buffer.from("89504e470d0a1a0a0000000d4948445200000001", "hex");
    return Buffer.concat([head, Buffer.alloc(size - head.length, 7)]);
  };

  it("is FILE_TOO_LARGE naming the image limit and how to shrink it; at the limit it is shown", async () => {
    h = await connect(testConfig({ maxImageSize: 2000 }), dir);
    await writeFile(path.join(dir, "big.png"), png(2001));
    await writeFile(path.join(dir, "ok.png"), png(2000));
    const message = errorOf(await h.call("view", { path: "big.png" }), "FILE_TOO_LARGE");
    expect(message).toContain(
      "big.png is an image of 2.0 KB (2001 bytes), over the 2.0 KB image limit (--max-image-size)",
    );
    expect(message).toContain("`convert 'big.png' -resize 1024x1024 /tmp/preview.png`");
    expect(h.session.viewed.has(path.join(dir, "big.png"))).toBe(false);
    const ok = await h.call("view", { path: "ok.png" });
    expect(ok.isError).toBeFalsy();
    expect(ok.content[1]).toMatchObject({ type: "image", mimeType: "image/png" });
  });
});
