import { open, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDir, tempDir } from "../test/file-support.js";
import { readLineWindow } from "./line-reader.js";

let dir: string;
beforeAll(async () => {
  dir = await tempDir("boris-lines-");
});
afterAll(async () => {
  await removeDir(dir);
});

/** The obvious whole-file implementation the streaming reader must agree with. */
function reference(content: Buffer, first: number, last: number): { lines: string[]; total: number } {
  const all = content.toString("utf8").split("\n");
  if (all[all.length - 1] === "") all.pop();
  // The BOM is not shown, but a file holding only a BOM still has one (empty) line.
  if (all[0]?.charCodeAt(0) === 0xfeff) all[0] = all[0].slice(1);
  const lines = all.slice(first - 1, Number.isFinite(last) ? last : undefined).map((l) => {
    const line = l.endsWith("\r") ? l.slice(0, -1) : l;
    const chars = Array.from(line);
    return chars.length > 2000
      ? `${chars.slice(0, 2000).join("")}... [truncated, ${chars.length} chars total]`
      : line;
  });
  return { lines, total: all.length };
}

async function window(
  content: Buffer,
  first: number,
  last: number,
  chunkBytes: number,
  countAll = true,
  maxBytes?: number,
) {
  const p = path.join(dir, "f.txt");
  await writeFile(p, content);
  const fh = await open(p, "r");
  try {
    return await readLineWindow(fh.fd, {
      first,
      last,
      countAll,
      chunkBytes,
      ...(maxBytes ? { maxBytes } : {}),
    });
  } finally {
    await fh.close();
  }
}

// A deterministic generator, so a failure can be reproduced from its seed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = ["a", "b", "é", "😀", "\n", "\n", "\r\n", "\r", "\t", " ", "xyz"];

function randomContent(rand: () => number): Buffer {
  const parts: string[] = rand() < 0.2 ? ["\ufeff"] : [];
  const n = Math.floor(rand() * 400);
  for (let i = 0; i < n; i++) {
    // Now and then a line long enough to be clipped, so clipping meets chunk borders.
    parts.push(
      rand() < 0.02
        ? "w".repeat(1990 + Math.floor(rand() * 30)) + "😀".repeat(Math.floor(rand() * 3))
        : (PIECES[Math.floor(rand() * PIECES.length)] as string),
    );
  }
  return Buffer.from(parts.join(""));
}

describe("readLineWindow", () => {
  it("agrees with a whole-file split for random content, windows and chunk sizes", async () => {
    const rand = rng(42);
    for (let round = 0; round < 250; round++) {
      const content = randomContent(rand);
      const ref = reference(content, 1, Number.POSITIVE_INFINITY);
      const first = 1 + Math.floor(rand() * (ref.total + 2));
      const last = rand() < 0.3 ? Number.POSITIVE_INFINITY : first + Math.floor(rand() * 20);
      // One-byte reads only for small files: they are slow and add nothing at scale.
      const sizes = content.length < 2000 ? [1, 2, 3, 7, 64, 4096] : [61, 1000, 4096];
      const chunk = sizes[Math.floor(rand() * sizes.length)] as number;
      const got = await window(content, first, last, chunk);
      const want = reference(content, first, last);
      expect({ round, ...got }).toEqual({
        round,
        lines: want.lines,
        totalLines: want.total,
        cutAtMaxBytes: false,
      });
    }
  });

  it("stops early without countAll, and then does not know the total", async () => {
    const content = Buffer.from("1\n2\n3\n4\n5\n");
    expect(await window(content, 2, 3, 2, false)).toEqual({
      lines: ["2", "3"],
      totalLines: undefined,
      cutAtMaxBytes: false,
    });
    // Reaching the end while still collecting reveals the total anyway.
    expect(await window(content, 4, 100, 2, false)).toEqual({
      lines: ["4", "5"],
      totalLines: 5,
      cutAtMaxBytes: false,
    });
  });

  it("counts lines as newlines plus an unterminated last line", async () => {
    expect((await window(Buffer.from("a"), 1, 1, 64)).totalLines).toBe(1);
    expect((await window(Buffer.from("a\n"), 1, 1, 64)).totalLines).toBe(1);
    expect((await window(Buffer.from("\n\n"), 1, 5, 64)).lines).toEqual(["", ""]);
    expect((await window(Buffer.from(""), 1, 5, 64)).totalLines).toBe(0);
  });

  it("clips a multi-megabyte single line while keeping only its prefix", async () => {
    const content = Buffer.from(`${"é".repeat(3_000_000)}\r\nnext\n`);
    const { lines, totalLines } = await window(content, 1, 2, 65536);
    expect(totalLines).toBe(2);
    expect(lines).toEqual([`${"é".repeat(2000)}... [truncated, 3000000 chars total]`, "next"]);
  });

  it("reads no further than maxBytes and says it stopped there", async () => {
    const content = Buffer.from("1\n2\n3\n4\n5\n");
    // 5 bytes: "1\n2\n3" — the cut line counts as the last one.
    expect(await window(content, 1, 100, 2, true, 5)).toEqual({
      lines: ["1", "2", "3"],
      totalLines: 3,
      cutAtMaxBytes: true,
    });
    expect(await window(content, 1, 100, 64, true, 10)).toEqual({
      lines: ["1", "2", "3", "4", "5"],
      totalLines: 5,
      cutAtMaxBytes: true,
    });
    expect((await window(content, 1, 100, 64, true, 11)).cutAtMaxBytes).toBe(false);
  });
});
