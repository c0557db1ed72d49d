import { describe, expect, it } from "vitest";
import { LineStore } from "./line-store.js";

describe("LineStore", () => {
  it("keeps lines pushed as strings, as bytes without NULs, and copied from another store, through regrowth", () => {
    const first = new LineStore(4, 1);
    first.push("a:1:é");
    const raw = Buffer.from("xx src/日本.c\0:12\0:int x = 0; yy");
    first.pushWithoutNuls(raw, 3, raw.length - 3);
    first.push("--");
    first.push("");
    const second = new LineStore(2, 1);
    second.push("head");
    second.pushFrom(first, 1, 4);
    second.pushFrom(first, 0, 1);
    second.pushFrom(first, 2, 2);
    const all = Array.from({ length: second.size }, (_, i) => second.line(i));
    expect(all).toEqual(["head", "src/日本.c:12:int x = 0;", "--", "", "a:1:é"]);
    second.compact();
    expect(second.line(1)).toBe("src/日本.c:12:int x = 0;");
    expect(second.textBytes).toBe(Buffer.byteLength(all.join("")));
  });
});

describe("LineStore.exact and release", () => {
  const bufferOf = (store: LineStore) => (store as unknown as { bytes: Buffer }).bytes.buffer;

  it("reuses the buffer of a released store for the next store of a size it fits, and empties the released one", () => {
    // Over half of Buffer.poolSize: each buffer is its own (small ones share Node's pool).
    const lines = ["a", "b", "c"].map((c) => c.repeat(3000));
    const bytes = lines.join("").length;
    const first = LineStore.exact(bytes, lines.length);
    for (const line of lines) first.push(line);
    first.compact();
    const buffer = bufferOf(first);
    first.release();
    expect(first.size).toBe(0);
    expect(first.textBytes).toBe(0);

    const second = LineStore.exact(bytes - 1000, 3);
    second.push(lines[0] as string);
    second.push("b".repeat(2000));
    second.push(lines[2] as string);
    second.compact();
    expect(bufferOf(second)).toBe(buffer);
    expect([second.line(0), second.line(1), second.line(2)]).toEqual([lines[0], "b".repeat(2000), lines[2]]);

    // A store much smaller than the released buffer gets its own: no large buffer held for a few bytes.
    second.release();
    const small = LineStore.exact(5000, 1);
    expect(bufferOf(small)).not.toBe(buffer);
  });
});
