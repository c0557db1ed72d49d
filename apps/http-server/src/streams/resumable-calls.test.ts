import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Exchange, ResumableCalls, requestIdsOf } from "./resumable-calls.js";

const PRIMING = {} as JSONRPCMessage;
const call = (id: number) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "bash" } });
const answer = (id: number): JSONRPCMessage => ({ jsonrpc: "2.0", id, result: { content: [] } });

let cancelled: { ids: readonly RequestId[]; reason: string }[];
let calls: ResumableCalls;

beforeEach(() => {
  vi.useFakeTimers();
  cancelled = [];
  calls = new ResumableCalls({ windowMs: 10_000, cancel: (ids, reason) => cancelled.push({ ids, reason }) });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A POST of `id` whose handling primes stream `streamId`, as the transport does; returns its exchange and cursor. */
async function primedPost(id: number, streamId: string): Promise<{ exchange: Exchange; cursor: string }> {
  const exchange = calls.post(call(id));
  const cursor = await calls.store.storeEvent(streamId, PRIMING);
  calls.primed(exchange, streamId);
  return { exchange, cursor };
}

describe("requestIdsOf", () => {
  it("lists the requests of a message or a batch, not the notifications", () => {
    expect(requestIdsOf(call(4))).toEqual([4]);
    expect(requestIdsOf([call(1), { jsonrpc: "2.0", method: "notifications/initialized" }, call(2)])).toEqual(
      [1, 2],
    );
    expect(requestIdsOf(undefined)).toEqual([]);
  });
});

describe("ResumableCalls", () => {
  it("ties a primed stream to the POST it was primed for, which it answers", async () => {
    const { exchange } = await primedPost(7, "s");
    expect(exchange.streamId).toBe("s");
    // A stream is primed once: a second priming for the same exchange changes nothing.
    calls.primed(exchange, "t");
    expect(exchange.streamId).toBe("s");
    expect(calls.store.isAnswered("s")).toBe(false);
    await calls.store.storeEvent("s", answer(7));
    expect(calls.store.isAnswered("s")).toBe(true);
  });

  it("asks the caller to cancel at once when a stream that was never primed drops", () => {
    const legacy = calls.post(call(1));
    expect(calls.ended(legacy, false)).toBe(true);
    expect(calls.ended(calls.post(call(2)), true)).toBe(false);
  });

  it("cancels a dropped call after the window when its client does not come back", async () => {
    const { exchange, cursor } = await primedPost(5, "s");
    expect(calls.ended(exchange, false)).toBe(false);
    expect(calls.waitingCount).toBe(1);
    vi.advanceTimersByTime(9_999);
    expect(cancelled).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(cancelled).toEqual([{ ids: [5], reason: "the client did not reconnect within --resume-window" }]);
    expect(calls.store.knows(cursor)).toBe(false);
    expect(calls.waitingCount).toBe(0);
  });

  it("keeps a call running for good once its client reconnects, and waits again if it drops again", async () => {
    const { exchange, cursor } = await primedPost(5, "s");
    calls.ended(exchange, false);
    vi.advanceTimersByTime(9_000);
    const resumed = calls.resume(cursor);
    expect(resumed).toEqual({ requestIds: [5], streamId: "s" });
    vi.advanceTimersByTime(3_600_000);
    expect(cancelled).toEqual([]);
    calls.ended(resumed, false);
    vi.advanceTimersByTime(10_000);
    expect(cancelled).toEqual([{ ids: [5], reason: "the client did not reconnect within --resume-window" }]);
  });

  it("leaves a stream alone when its old connection ends after a reconnect took it over", async () => {
    const { exchange, cursor } = await primedPost(5, "s");
    const resumed = calls.resume(cursor);
    expect(calls.ended(exchange, false)).toBe(false);
    expect(calls.waitingCount).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(cancelled).toEqual([]);
    await calls.store.storeEvent("s", answer(5));
    calls.ended(resumed, true);
    // Sent in full is not received: the answer stays for a client whose proxy lost it, for the window.
    expect(calls.store.eventsAfter(cursor).map((e) => e.message)).toEqual([answer(5)]);
    vi.advanceTimersByTime(10_000);
    expect(calls.store.knows(cursor)).toBe(false);
    expect(cancelled).toEqual([]);
  });

  it("keeps the answer of a dropped stream for the client, and cancels nothing", async () => {
    const stored: string[] = [];
    calls = new ResumableCalls({
      windowMs: 10_000,
      cancel: (ids, reason) => cancelled.push({ ids, reason }),
      onAnswerStored: (id) => stored.push(id),
    });
    const { exchange, cursor } = await primedPost(5, "s");
    await calls.store.storeEvent("s", answer(5));
    expect(stored).toEqual([]); // answered while connected
    expect(calls.ended(exchange, false)).toBe(false);
    expect(calls.waitingCount).toBe(0);
    expect(calls.store.eventsAfter(cursor).map((e) => e.message)).toEqual([answer(5)]);

    const second = await primedPost(6, "t");
    calls.ended(second.exchange, false);
    await calls.store.storeEvent("t", answer(6));
    expect(stored).toEqual(["t"]);
  });

  it("close stops every timer and drops the events", async () => {
    const { exchange, cursor } = await primedPost(5, "s");
    calls.ended(exchange, false);
    calls.close();
    vi.advanceTimersByTime(60_000);
    expect(cancelled).toEqual([]);
    expect(calls.store.knows(cursor)).toBe(false);
  });
});
