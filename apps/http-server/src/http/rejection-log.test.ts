import { describe, expect, it } from "vitest";
import { RejectionLog } from "./rejection-log.js";

describe("RejectionLog", () => {
  it("writes one line per client address per minute and counts the rest", () => {
    let now = 0;
    const lines: [Record<string, unknown>, string][] = [];
    const log = new RejectionLog(
      (fields, message) => lines.push([fields, message]),
      () => now,
    );
    for (let i = 0; i < 5; i++) log.refused("10.0.0.1", { status: 401 }, "refused");
    log.refused("10.0.0.2", { status: 403 }, "refused");
    expect(lines).toEqual([
      [{ client: "10.0.0.1", status: 401 }, "refused"],
      [{ client: "10.0.0.2", status: 403 }, "refused"],
    ]);
    now = 59_999;
    log.refused("10.0.0.1", { status: 401 }, "refused");
    expect(lines).toHaveLength(2);
    now = 60_000;
    log.refused("10.0.0.1", { status: 401 }, "refused");
    expect(lines[2]).toEqual([{ client: "10.0.0.1", status: 401, unlogged: 5 }, "refused"]);
  });
});
