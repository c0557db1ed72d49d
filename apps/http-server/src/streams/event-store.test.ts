import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { STANDALONE_STREAM } from "../transport/http-transport.js";
import { eventId, parseEventId, SessionEventStore } from "./event-store.js";

const PRIMING = {} as JSONRPCMessage;
const progress = (n: number): JSONRPCMessage => ({
  jsonrpc: "2.0",
  method: "notifications/progress",
  params: { progressToken: 1, progress: n, message: `line ${n}` },
});
const result = (id: number, text = "done"): JSONRPCMessage => ({
  jsonrpc: "2.0",
  id,
  result: { content: [{ type: "text", text }] },
});

async function replay(store: SessionEventStore, lastEventId: string) {
  const sent: [string, JSONRPCMessage][] = [];
  const streamId = await store.replayEventsAfter(lastEventId, {
    send: async (id, message) => {
      sent.push([id, message]);
    },
  });
  return { streamId, sent };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("event ids", () => {
  it("name their stream and sequence, and reject ids this store did not make", () => {
    expect(eventId("4db9c763-f212", 12)).toBe("4db9c763-f212.12");
    expect(parseEventId("4db9c763-f212.12")).toEqual({ streamId: "4db9c763-f212", seq: 12 });
    expect(parseEventId(`${STANDALONE_STREAM}.3`)).toEqual({ streamId: STANDALONE_STREAM, seq: 3 });
    for (const bad of ["", "12", ".12", "abc.", "abc.x", "abc.-1", "abc.1.5e3x"]) {
      expect(parseEventId(bad)).toBeUndefined();
    }
  });
});

describe("SessionEventStore", () => {
  it("replays what a primed stream sent after the client's cursor, and nothing of other streams", async () => {
    const store = new SessionEventStore({ retentionMs: 60_000 });
    const cursor = await store.storeEvent("a", PRIMING);
    store.expect("a", [7]);
    await store.storeEvent("b", PRIMING);
    const first = await store.storeEvent("a", progress(1));
    await store.storeEvent("b", progress(99));
    const answer = await store.storeEvent("a", result(7));

    const fromPriming = await replay(store, cursor);
    expect(fromPriming.streamId).toBe("a");
    expect(fromPriming.sent).toEqual([
      [first, progress(1)],
      [answer, result(7)],
    ]);
    expect((await replay(store, first)).sent).toEqual([[answer, result(7)]]);
    expect(store.isAnswered("a")).toBe(true);
    expect(store.isAnswered("b")).toBe(false);
  });

  it("keeps nothing of a stream that was never primed (not resumable)", async () => {
    const store = new SessionEventStore({ retentionMs: 60_000 });
    const id = await store.storeEvent("legacy", result(1));
    expect(parseEventId(id)?.streamId).toBe("legacy");
    expect(store.size).toBe(0);
    expect(store.knows(id)).toBe(false);
    await expect(replay(store, id)).rejects.toThrow("unknown Last-Event-ID");
  });

  it("keeps the standalone GET stream's events", async () => {
    const store = new SessionEventStore({ retentionMs: 60_000 });
    const first = await store.storeEvent(STANDALONE_STREAM, progress(1));
    const second = await store.storeEvent(STANDALONE_STREAM, progress(2));
    expect((await replay(store, first)).sent).toEqual([[second, progress(2)]]);
  });

  it("is answered only when every request of the stream has its response", async () => {
    const store = new SessionEventStore({ retentionMs: 60_000 });
    await store.storeEvent("batch", PRIMING);
    store.expect("batch", [1, 2]);
    await store.storeEvent("batch", result(1));
    expect(store.isAnswered("batch")).toBe(false);
    await store.storeEvent("batch", result(2));
    expect(store.isAnswered("batch")).toBe(true);
  });

  it("tells when a primed stream is answered", async () => {
    const answered: string[] = [];
    const store = new SessionEventStore({ retentionMs: 60_000, onAnswered: (id) => answered.push(id) });
    await store.storeEvent("s", PRIMING);
    store.expect("s", [3]);
    await store.storeEvent("s", progress(1));
    expect(answered).toEqual([]);
    await store.storeEvent("s", result(3));
    expect(answered).toEqual(["s"]);
  });

  it("forgets an answered stream after the retention time", async () => {
    vi.useFakeTimers();
    const store = new SessionEventStore({ retentionMs: 5_000 });
    const cursor = await store.storeEvent("s", PRIMING);
    store.expect("s", [1]);
    await store.storeEvent("s", result(1));
    vi.advanceTimersByTime(4_999);
    expect(store.knows(cursor)).toBe(true);
    vi.advanceTimersByTime(1);
    expect(store.knows(cursor)).toBe(false);
    expect(store.size).toBe(0);
  });

  it("keeps a stream whose answer is still to come, however long", async () => {
    vi.useFakeTimers();
    const store = new SessionEventStore({ retentionMs: 5_000 });
    const cursor = await store.storeEvent("s", PRIMING);
    store.expect("s", [1]);
    await store.storeEvent("s", progress(1));
    vi.advanceTimersByTime(3_600_000);
    expect(store.knows(cursor)).toBe(true);
    expect((await replay(store, cursor)).sent).toHaveLength(1);
  });

  it("drops the oldest events past the event limit, and a replay goes on from what is left", async () => {
    const store = new SessionEventStore({ retentionMs: 60_000, limits: { events: 3, bytes: 1e9 } });
    const cursor = await store.storeEvent("s", PRIMING);
    store.expect("s", [1]);
    for (let n = 1; n <= 5; n++) await store.storeEvent("s", progress(n));
    const answer = await store.storeEvent("s", result(1));
    expect(store.size).toBe(3);
    const { sent } = await replay(store, cursor);
    expect(sent.map(([, m]) => m)).toEqual([progress(4), progress(5), result(1)]);
    expect(sent.at(-1)![0]).toBe(answer);
  });

  it("drops the oldest events past the byte limit but always keeps the newest", async () => {
    const big = result(1, "x".repeat(1000));
    const store = new SessionEventStore({ retentionMs: 60_000, limits: { events: 100, bytes: 500 } });
    const cursor = await store.storeEvent("s", PRIMING);
    store.expect("s", [1]);
    await store.storeEvent("s", progress(1));
    await store.storeEvent("s", big);
    expect(store.size).toBe(1);
    expect((await replay(store, cursor)).sent.map(([, m]) => m)).toEqual([big]);
  });

  it("tells a subscriber each new event of its stream, the answer, and when the stream is dropped", async () => {
    const store = new SessionEventStore({ retentionMs: 60_000 });
    await store.storeEvent("s", PRIMING);
    await store.storeEvent("t", PRIMING);
    store.expect("s", [1]);
    const heard: unknown[] = [];
    const unsubscribe = store.subscribe("s", {
      event: (event, answered) => heard.push([event.message, answered]),
      forgotten: () => heard.push("forgotten"),
    });
    await store.storeEvent("s", progress(1));
    await store.storeEvent("t", progress(2));
    await store.storeEvent("s", result(1));
    store.forget("s");
    expect(heard).toEqual([[progress(1), false], [result(1), true], "forgotten"]);
    await store.storeEvent("u", PRIMING);
    const quiet = store.subscribe("u", { event: () => heard.push("u"), forgotten: () => {} });
    quiet();
    await store.storeEvent("u", progress(3));
    unsubscribe();
    expect(heard).toHaveLength(3);
  });

  it("forget and clear drop the events and the streams", async () => {
    const store = new SessionEventStore({ retentionMs: 60_000 });
    const a = await store.storeEvent("a", PRIMING);
    const b = await store.storeEvent("b", PRIMING);
    await store.storeEvent("a", progress(1));
    await store.storeEvent("b", progress(2));
    store.forget("a");
    expect([store.knows(a), store.knows(b), store.size]).toEqual([false, true, 1]);
    store.clear();
    expect([store.knows(b), store.size]).toEqual([false, 0]);
  });
});
