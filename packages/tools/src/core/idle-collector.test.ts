import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectGarbageNow, IdleCollector } from "./idle-collector.js";

/**
 * Keeps `bytes` of buffers reachable until `drop()`: heap growth the collector sees. Dropped
 * garbage may be collected by V8 itself at any time, so the tests keep it until they have asserted.
 */
function grow(bytes: number) {
  let held: Buffer[] | undefined = [];
  for (let n = 0; n < bytes; n += 1024 * 1024) held.push(Buffer.alloc(1024 * 1024, 1));
  return {
    drop() {
      held = undefined;
    },
    get size() {
      return held?.length ?? 0;
    },
  };
}

/** One request during which the heap grows by `bytes` (kept until the test drops it). */
function request(collector: IdleCollector, bytes: number) {
  collector.started();
  const growth = grow(bytes);
  collector.finished();
  return growth;
}

/** An IdleCollector with a counting collect() that also really collects. */
function counted(idleMs: number, growthBytes: number) {
  let calls = 0;
  const collector = new IdleCollector({ idleMs, growthBytes }, () => {
    calls++;
    return collectGarbageNow();
  });
  return {
    collector,
    get calls() {
      return calls;
    },
  };
}

describe("collectGarbageNow", () => {
  it("runs a full collection: an object only a WeakRef points to is gone after it", async () => {
    let target: object | undefined = { payload: Buffer.alloc(1024) };
    const weak = new WeakRef(target);
    target = undefined;
    // A WeakRef keeps its target for the rest of the job that last read it.
    await sleep(0);
    expect(collectGarbageNow()).toBe(true);
    expect(weak.deref()).toBeUndefined();
  });
});

describe("IdleCollector", () => {
  // Its quiet time is a timer: fake ones, so that a loaded machine cannot stretch the gaps between
  // requests past it. The heap it measures is real.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const wait = (ms: number) => vi.advanceTimersByTime(ms);

  it("collects once the requests are over and the quiet time has passed, after the heap grew enough", () => {
    const c = counted(30, 4 * 1024 * 1024);
    const growth = request(c.collector, 8 * 1024 * 1024);
    expect(c.calls).toBe(0);
    wait(200);
    expect(c.calls).toBe(1);
    expect(c.collector.collections).toBe(1);
    growth.drop();
  });

  it("does not collect while a request is open, and waits the quiet time again after the last one", () => {
    const c = counted(60, 1024 * 1024);
    c.collector.started();
    c.collector.started();
    const growth = grow(4 * 1024 * 1024);
    c.collector.finished();
    wait(150);
    expect(c.calls).toBe(0);
    c.collector.finished();
    // A request that starts within the quiet time puts the collection off again.
    wait(10);
    c.collector.started();
    wait(150);
    expect(c.calls).toBe(0);
    c.collector.finished();
    wait(300);
    expect(c.calls).toBe(1);
    growth.drop();
  });

  it("does not collect after requests that grew the heap less than the threshold", () => {
    const c = counted(20, 256 * 1024 * 1024);
    const growth = request(c.collector, 2 * 1024 * 1024);
    wait(150);
    expect(c.calls).toBe(0);
    growth.drop();
  });

  it("measures growth from the last collection: what it kept alive does not make it collect again", () => {
    const c = counted(20, 4 * 1024 * 1024);
    const kept = request(c.collector, 8 * 1024 * 1024);
    wait(200);
    expect(c.calls).toBe(1);
    request(c.collector, 0);
    wait(200);
    expect(c.calls).toBe(1);
    expect(kept.size).toBe(8);
  });

  it("stop() drops a pending collection", () => {
    const c = counted(30, 0);
    request(c.collector, 0);
    c.collector.stop();
    wait(150);
    expect(c.calls).toBe(0);
  });
});
