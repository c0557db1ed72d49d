import { describe, expect, it } from "vitest";
import { queueSpare } from "./spare-queue.js";

/** Resolves after the current event-loop turn's immediates (and the next turn's poll phase). */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("queueSpare", () => {
  it("runs one job per event-loop turn, in the order asked, and never a cancelled one", async () => {
    const ran: string[] = [];
    queueSpare(() => ran.push("a"));
    const cancelB = queueSpare(() => ran.push("b"));
    queueSpare(() => ran.push("c"));
    expect(ran).toEqual([]);
    cancelB();
    await turn();
    expect(ran).toEqual(["a"]);
    await turn();
    expect(ran).toEqual(["a", "c"]);
    await turn();
    expect(ran).toEqual(["a", "c"]);
  });
});
