import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzRuns, fuzzSeed } from "./seed.js";

describe("fuzz seeds and runs", () => {
  it("takes FUZZ_SEED back, and the same seed generates the same values", () => {
    expect(fuzzSeed({ FUZZ_SEED: "-123456" })).toBe(-123456);
    const values = (seed: number) => fc.sample(fc.string(), { seed, numRuns: 20 });
    expect(values(fuzzSeed({ FUZZ_SEED: "42" }))).toEqual(values(42));
  });

  it("makes a fresh 32-bit seed without FUZZ_SEED", () => {
    const seed = fuzzSeed({});
    expect(seed).toBe(seed | 0);
  });

  it("refuses a FUZZ_SEED or FUZZ_RUNS that is not an integer, naming the value", () => {
    for (const bad of ["abc", "1.5", "99999999999", "0x10"]) {
      expect(() => fuzzSeed({ FUZZ_SEED: bad })).toThrow(`[INVALID_INPUT] FUZZ_SEED="${bad}"`);
    }
    expect(fuzzRuns(300, {})).toBe(300);
    expect(fuzzRuns(300, { FUZZ_RUNS: "2000" })).toBe(2000);
    expect(() => fuzzRuns(300, { FUZZ_RUNS: "0" })).toThrow('[INVALID_INPUT] FUZZ_RUNS="0"');
  });
});
