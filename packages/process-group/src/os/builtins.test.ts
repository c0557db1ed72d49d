import { describe, expect, it } from "vitest";
import { childProcess, randomHex } from "./builtins.js";

describe("randomHex", () => {
  it("gives `bytes` random bytes as lowercase hex, different each time", () => {
    const values = new Set(Array.from({ length: 50 }, () => randomHex(8)));
    expect(values.size).toBe(50);
    for (const value of values) expect(value).toMatch(/^[0-9a-f]{16}$/);
    expect(randomHex(3)).toMatch(/^[0-9a-f]{6}$/);
  });
});

describe("childProcess", () => {
  it("is node:child_process, loaded once", async () => {
    const loaded = childProcess();
    expect(loaded).toBe(childProcess());
    expect(loaded.spawn).toBe((await import("node:child_process")).spawn);
  });
});
