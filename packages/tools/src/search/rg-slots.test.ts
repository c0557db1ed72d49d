// The server-wide cap on concurrent rg processes: searches wait for a slot, in call order, and give
// up waiting at their deadline, when cancelled and when their session closes.
import { availableParallelism } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { findMarkedProcesses } from "@boris-mcp/process-group";
import { describe, expect, it } from "vitest";
import { okText, testConfig } from "../test/file-support.js";
import { comm, endlessSource as endlessIn, gone, rgOf } from "../test/rg-processes.js";
import { searchFixture } from "../test/search-support.js";
import { RgSlots, rgSlotsFor, searchActivity, setSearchConcurrency } from "./rg-slots.js";

const { folder, serve } = searchFixture("boris-search-life-");
const endlessSource = () => endlessIn(folder);

/** Polls until `condition` holds (a few seconds at most). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await sleep(10);
  expect(condition()).toBe(true);
}

describe("the server-wide cap on concurrent rg processes", () => {
  it("is the number of cores by default", () => {
    expect(rgSlotsFor(testConfig()).size).toBe(availableParallelism());
  });

  it("makes a search wait while the server's rg processes are running, and a waiting search can be cancelled", async () => {
    const { root, rgPath } = await endlessSource();
    const config = testConfig({ rgPath });
    setSearchConcurrency(config, 1);
    const slots = rgSlotsFor(config);
    const a = await serve(config, root);
    const b = await serve(config, root);
    const abortA = new AbortController();
    const first = a.client
      .callTool({ name: "grep", arguments: { pattern: "needle" } }, undefined, { signal: abortA.signal })
      .catch(() => "cancelled");
    const pid = await rgOf(a.session);
    const abortB = new AbortController();
    const second = b.client
      .callTool({ name: "grep", arguments: { pattern: "needle" } }, undefined, { signal: abortB.signal })
      .catch(() => "cancelled");
    await until(() => slots.queued === 1);
    expect(searchActivity(config)).toEqual({ running: 1, queued: 1 }); // what the metrics read
    // The waiting search has started nothing.
    expect(findMarkedProcesses(b.session.marker).filter((p) => comm(p) === "rg")).toEqual([]);
    abortB.abort();
    expect(await second).toBe("cancelled");
    await until(() => slots.queued === 0);
    expect(slots.running).toBe(1);
    abortA.abort();
    expect(await first).toBe("cancelled");
    expect(await gone(pid)).toBe(true);
    await until(() => slots.running === 0);
    expect(searchActivity(config)).toEqual({ running: 0, queued: 0 });
    expect(searchActivity(testConfig())).toEqual({ running: 0, queued: 0 }); // no search yet
    // The slot is free again: the next search runs at once.
    const c = await serve(testConfig(), root);
    expect(okText(await c.call("grep", { pattern: "needle", path: "endless.txt" }))).toBe("endless.txt");
  });
});

describe("RgSlots", () => {
  const never = () => () => {};

  it("grants slots in call order and hands a released slot to the next waiter", async () => {
    const slots = new RgSlots(1);
    const signal = new AbortController().signal;
    const first = await slots.acquire(signal, 10_000, never);
    const order: string[] = [];
    const second = slots.acquire(signal, 10_000, never).then((r) => {
      order.push("second");
      return r;
    });
    const third = slots.acquire(signal, 10_000, never).then((r) => {
      order.push("third");
      return r;
    });
    expect(slots.queued).toBe(2);
    if (typeof first === "string") throw new Error(first);
    first();
    const release2 = await second;
    if (typeof release2 === "string") throw new Error(release2);
    expect(order).toEqual(["second"]);
    release2();
    const release3 = await third;
    expect(order).toEqual(["second", "third"]);
    if (typeof release3 === "string") throw new Error(release3);
    release3();
    expect(slots.running).toBe(0);
  });

  it("a waiter gives up at its deadline, when cancelled and when its session closes", async () => {
    const slots = new RgSlots(1);
    const held = await slots.acquire(new AbortController().signal, 10_000, never);
    expect(await slots.acquire(new AbortController().signal, 20, never)).toBe("timeout");
    const abort = new AbortController();
    const cancelled = slots.acquire(abort.signal, 10_000, never);
    abort.abort();
    expect(await cancelled).toBe("cancelled");
    let close: () => void = () => {};
    const closed = slots.acquire(new AbortController().signal, 10_000, (hook) => {
      close = hook;
      return () => {};
    });
    close();
    expect(await closed).toBe("closed");
    expect(slots.queued).toBe(0);
    if (typeof held === "string") throw new Error(held);
    held();
    expect(slots.running).toBe(0);
  });
});
