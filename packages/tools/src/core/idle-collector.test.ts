import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { collectGarbageNow, IdleCollector } from "./idle-collector.js";

const MiB = 1024 * 1024;

/**
 * The heap the collector sees, set by the tests: the timing and the thresholds are the collector's
 * logic; that a collection really frees memory is tested on V8's own heap (collectGarbageNow, and
 * the built binary's e2e test).
 */
class FakeHeap {
  bytes = 10 * MiB;
  /** Garbage a collection frees: what the requests allocated and dropped. */
  garbage = 0;
}

/** One request during which the heap grows by `bytes`, kept alive until the test drops it. */
function request(c: { collector: IdleCollector; heap: FakeHeap }, bytes: number) {
  c.collector.started();
  c.heap.bytes += bytes;
  c.collector.finished();
  let held = bytes;
  return {
    drop() {
      c.heap.garbage += held;
      held = 0;
    },
    /** MiB still held. */
    get size() {
      return held / MiB;
    },
  };
}

/** An IdleCollector on a FakeHeap with a collect() that counts its calls and frees the garbage. */
function counted(idleMs: number, growthBytes: number) {
  let calls = 0;
  const heap = new FakeHeap();
  const collector = new IdleCollector(
    { idleMs, growthBytes },
    () => {
      calls++;
      heap.bytes -= heap.garbage;
      heap.garbage = 0;
      return true;
    },
    () => heap.bytes,
  );
  return {
    collector,
    heap,
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
  // requests past it.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const wait = (ms: number) => vi.advanceTimersByTime(ms);

  it("collects once the requests are over and the quiet time has passed, after the heap grew enough", () => {
    const c = counted(30, 4 * MiB);
    const growth = request(c, 8 * MiB);
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
    c.heap.bytes += 4 * MiB;
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
  });

  it("does not collect after requests that grew the heap less than the threshold", () => {
    const c = counted(20, 256 * MiB);
    const growth = request(c, 2 * MiB);
    wait(150);
    expect(c.calls).toBe(0);
    growth.drop();
  });

  it("measures growth from the last collection: what it kept alive does not make it collect again", () => {
    const c = counted(20, 4 * MiB);
    const kept = request(c, 8 * MiB);
    wait(200);
    expect(c.calls).toBe(1);
    request(c, 0);
    wait(200);
    expect(c.calls).toBe(1);
    expect(kept.size).toBe(8);
  });

  it("counts growth from the lowest heap seen since: buffers freed just after a collection do not hide later growth", () => {
    const c = counted(20, 4 * MiB);
    request(c, 8 * MiB).drop();
    // The collection frees 2 of the 8 MiB at once; V8 frees the other 6 a moment later.
    c.heap.garbage = 2 * MiB;
    wait(200);
    expect(c.calls).toBe(1);
    c.heap.bytes -= 6 * MiB;
    // Counted from the heap at the next request's start, 5 MiB more is worth a collection.
    request(c, 5 * MiB);
    wait(200);
    expect(c.calls).toBe(2);
  });

  it("stop() drops a pending collection", () => {
    const c = counted(30, 0);
    request(c, 0);
    c.collector.stop();
    wait(150);
    expect(c.calls).toBe(0);
  });
});
