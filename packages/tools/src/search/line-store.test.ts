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
