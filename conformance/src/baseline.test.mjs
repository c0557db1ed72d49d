import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compare, parseBaseline } from "./baseline.mjs";

/** @param {Record<string, unknown>} expected */
const baselineOf = (expected) => parseBaseline(JSON.stringify({ expected }));
const REASON = "the server does not declare it";

/** @param {string} id @param {string} status */
const check = (id, status) => ({ id, status, errorMessage: `${id} said ${status}` });

describe("parseBaseline", () => {
  it("reads the project's baseline file", () => {
    const text = readFileSync(new URL("../expected-failures.json", import.meta.url), "utf8");
    const baseline = parseBaseline(text);
    expect(baseline.size).toBeGreaterThan(0);
    for (const [key, entry] of baseline) {
      expect(key).toMatch(/^[a-z0-9-]+\/\S+$/);
      expect(["FAILURE", "WARNING"]).toContain(entry.status);
    }
  });

  it("rejects broken JSON, a wrong shape, bad keys, statuses and missing reasons", () => {
    expect(() => parseBaseline("{", "b.json")).toThrow(/b\.json: not valid JSON/);
    expect(() => parseBaseline("[]")).toThrow(/expected an object/);
    expect(() => baselineOf({ "no-slash": { status: "FAILURE", reason: REASON } })).toThrow(
      /key "no-slash" must be "<scenario>\/<check id>"/,
    );
    expect(() => baselineOf({ "ping/ping": { status: "FAIL", reason: REASON } })).toThrow(
      /"ping\/ping".status must be "FAILURE" or "WARNING"/,
    );
    expect(() => baselineOf({ "ping/ping": { status: "FAILURE", reason: " " } })).toThrow(
      /reason must say why/,
    );
    expect(() => baselineOf({ "ping/ping": { status: "FAILURE" } })).toThrow(/reason must say why/);
  });
});

describe("compare", () => {
  it("counts passes and matches failures and warnings in the baseline; INFO is neutral", () => {
    const baseline = baselineOf({
      "s/f": { status: "FAILURE", reason: REASON },
      "s/w": { status: "WARNING", reason: "a SHOULD we do not do" },
    });
    const result = compare(
      [
        {
          scenario: "s",
          checks: [check("a", "SUCCESS"), check("i", "INFO"), check("f", "FAILURE"), check("w", "WARNING")],
        },
      ],
      baseline,
    );
    expect(result.passed).toBe(1);
    expect(result.expected).toEqual([
      { key: "s/f", status: "FAILURE", message: REASON },
      { key: "s/w", status: "WARNING", message: "a SHOULD we do not do" },
    ]);
    expect(result.unexpected).toEqual([]);
    expect(result.stale).toEqual([]);
  });

  it("reports a failure or warning missing from the baseline as unexpected, with the suite's message", () => {
    const result = compare(
      [{ scenario: "s", checks: [check("f", "FAILURE"), check("w", "WARNING")] }],
      baselineOf({}),
    );
    expect(result.unexpected).toEqual([
      { key: "s/f", status: "FAILURE", message: "f said FAILURE" },
      { key: "s/w", status: "WARNING", message: "w said WARNING" },
    ]);
  });

  it("reports a check ending in another status than the baseline's as unexpected, not stale", () => {
    const result = compare(
      [{ scenario: "s", checks: [check("w", "FAILURE")] }],
      baselineOf({ "s/w": { status: "WARNING", reason: REASON } }),
    );
    expect(result.unexpected).toEqual([
      { key: "s/w", status: "FAILURE", message: "baseline expects WARNING; w said FAILURE" },
    ]);
    expect(result.stale).toEqual([]);
  });

  it("reports baseline entries that now pass, are no longer reported or whose scenario is not run as stale", () => {
    const result = compare(
      [{ scenario: "s", checks: [check("fixed", "SUCCESS"), check("info", "INFO")] }],
      baselineOf({
        "s/fixed": { status: "FAILURE", reason: REASON },
        "s/info": { status: "WARNING", reason: REASON },
        "s/gone": { status: "FAILURE", reason: REASON },
        "other/x": { status: "FAILURE", reason: REASON },
      }),
    );
    expect(result.stale.map((f) => [f.key, f.status])).toEqual([
      ["s/fixed", "SUCCESS"],
      ["s/info", "INFO"],
      ["s/gone", "ABSENT"],
      ["other/x", "NOT RUN"],
    ]);
    expect(result.unexpected).toEqual([]);
  });

  it("reports a scenario that did not complete as unexpected and leaves its baseline entries alone", () => {
    const result = compare(
      [{ scenario: "s", error: "timed out after 30000 ms" }],
      baselineOf({ "s/f": { status: "FAILURE", reason: REASON } }),
    );
    expect(result.unexpected).toEqual([{ key: "s", status: "ERROR", message: "timed out after 30000 ms" }]);
    expect(result.stale).toEqual([]);
    expect(result.expected).toEqual([]);
  });
});
