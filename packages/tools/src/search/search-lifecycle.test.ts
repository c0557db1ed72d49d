// grep/glob never stall the server: rg runs in its own process group with the session marker, is
// killed on cancel, on session close and at the deadline, and other sessions keep being answered.
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { findMarkedProcesses } from "@boris-mcp/process-group";
import type { Session } from "@boris-mcp/session";
import { afterEach, describe, expect, it } from "vitest";
import {
  connect,
  errorOf,
  type Harness,
  okText,
  removeDir,
  tempDir,
  testConfig,
} from "../test/file-support.js";
import { RgSlots, rgSlotsFor, setSearchConcurrency } from "./rg-slots.js";

const dirs: string[] = [];
const harnesses: Harness[] = [];

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  await Promise.all(dirs.splice(0).map((d) => removeDir(d)));
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie is dead for our purposes (its parent has not reaped it yet).
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** Waits (polling the OS) until the session has a running rg; returns its pid. */
async function rgOf(session: Session): Promise<number> {
  for (let i = 0; i < 500; i++) {
    const pid = findMarkedProcesses(session.marker).find((p) => comm(p) === "rg");
    if (pid) return pid;
    await sleep(20);
  }
  throw new Error("no rg process with the session marker appeared");
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    if (!alive(pid)) return true;
    await sleep(20);
  }
  return false;
}

/**
 * A directory and a stand-in for rg whose runs never end on their own, without a FIFO (grep refuses
 * a FIFO as its path) and without gigabytes of disk. It keeps the name rg (its shell's comm), and
 * its child is in its process group, as rg's threads would be.
 */
async function endlessSource(): Promise<{ root: string; rgPath: string }> {
  const root = await tempDir("boris-search-life-");
  dirs.push(root);
  await writeFile(path.join(root, "endless.txt"), "needle\n");
  const bin = path.join(root, ".bin");
  await mkdir(bin);
  const rgPath = path.join(bin, "rg");
  // rg's listing and counting runs (parallel) block; its in-order reading runs print forever.
  await writeFile(
    rgPath,
    "#!/bin/sh\n" +
      "last=endless.txt; inorder=no\n" +
      'for a; do last="$a"; if [ "$a" = --threads=1 ]; then inorder=yes; fi; done\n' +
      "if [ $inorder = no ]; then sleep 1000; exit; fi\n" +
      'awk -v p="$last" \'BEGIN { for (i = 1; ; i++) printf "%s%c:%d%c:needle\\n", p, 0, i, 0 }\'\n',
    { mode: 0o755 },
  );
  return { root, rgPath };
}

async function harness(root: string, overrides = {}): Promise<Harness> {
  const h = await connect(testConfig(overrides), root);
  harnesses.push(h);
  return h;
}

describe("search processes", () => {
  it("cancelling a request kills its rg process", async () => {
    const { root, rgPath } = await endlessSource();
    const h = await harness(root, { rgPath });
    const abort = new AbortController();
    const call = h.client
      .callTool(
        {
          name: "grep",
          arguments: { pattern: "needle", output_mode: "content", offset: 1e12 },
        },
        undefined,
        { signal: abort.signal },
      )
      .then(
        () => "answered",
        () => "rejected",
      );
    const pid = await rgOf(h.session);
    expect(alive(pid)).toBe(true);
    abort.abort();
    expect(await call).toBe("rejected");
    expect(await gone(pid)).toBe(true);
  });

  it("closing the session kills a running search", async () => {
    const { root, rgPath } = await endlessSource();
    const h = await harness(root, { rgPath });
    const call = h.call("grep", { pattern: "needle", output_mode: "count", offset: 5 });
    const pid = await rgOf(h.session);
    await h.session.close();
    expect(alive(pid)).toBe(false);
    expect(errorOf(await call, "SESSION_CLOSED")).toContain("closed");
  });

  it("the deadline stops a search that does not finish and says so", async () => {
    const { root, rgPath } = await endlessSource();
    const h = await harness(root, { searchTimeoutMs: 300, rgPath });
    const text = okText(await h.call("grep", { pattern: "x", output_mode: "count" }));
    expect(text).toContain("deadline");
    expect(findMarkedProcesses(h.session.marker).filter((p) => comm(p) === "rg")).toEqual([]);
  });

  it("a search that has enough output stops rg early instead of reading everything", async () => {
    const { root, rgPath } = await endlessSource();
    const h = await harness(root, { rgPath });
    // A single file's lines come in order: rg is stopped once the page (and the store kept for
    // later pages, which is bounded) is full.
    const text = okText(
      await h.call("grep", {
        pattern: "needle",
        path: "endless.txt",
        output_mode: "content",
        head_limit: 3,
      }),
    );
    expect(text).toMatch(
      /^endless\.txt:1:needle\nendless\.txt:2:needle\nendless\.txt:3:needle\n\n\[Showing lines 1-3 of more than \d+\. Call again with offset=3 \(and head_limit=3\) to see more\.\]$/,
    );
    expect(findMarkedProcesses(h.session.marker).filter((p) => comm(p) === "rg")).toEqual([]);
    // Without head_limit the 30000-character cap ends the endless stream too.
    const capped = okText(
      await h.call("grep", { pattern: "needle", path: "endless.txt", output_mode: "content" }),
    );
    expect(capped).toContain("[Output cut at 30,000 characters");
    // A later page is read again past what was kept, still in order.
    const later = okText(
      await h.call("grep", {
        pattern: "needle",
        path: "endless.txt",
        output_mode: "content",
        offset: 1_000_000,
        head_limit: 2,
      }),
    );
    expect(later.split("\n\n")[0]).toBe("endless.txt:1000001:needle\nendless.txt:1000002:needle");
  });

  it("another session is answered while a huge search runs", async () => {
    const { root, rgPath } = await endlessSource();
    await writeFile(path.join(root, "small.txt"), "hello\n");
    const busy = await harness(root, { rgPath });
    const other = await harness(root);
    const abort = new AbortController();
    const running = busy.client
      .callTool(
        {
          name: "grep",
          arguments: { pattern: "needle", output_mode: "content", offset: 1e12 },
        },
        undefined,
        { signal: abort.signal },
      )
      .catch(() => "cancelled");
    const pid = await rgOf(busy.session);
    expect(
      okText(await other.call("grep", { pattern: "hello", path: "small.txt", output_mode: "content" })),
    ).toBe("small.txt:1:hello");
    expect(okText(await other.call("glob", { pattern: "small.*" }))).toBe("small.txt");
    expect(alive(pid)).toBe(true);
    abort.abort();
    await running;
    expect(await gone(pid)).toBe(true);
  });

  it("a catastrophic-backtracking pattern on a 100k-character line answers (linear-time engine)", async () => {
    const root = await tempDir("boris-search-life-");
    dirs.push(root);
    await mkdir(path.join(root, "d"));
    await writeFile(path.join(root, "d/long.txt"), `${"a".repeat(100_000)}b\n`);
    const h = await harness(root);
    expect(okText(await h.call("grep", { pattern: "(a+)+$" }))).toBe("No files found");
  });
});

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
    const a = await connect(config, root);
    const b = await connect(config, root);
    harnesses.push(a, b);
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
    // The slot is free again: the next search runs at once.
    const c = await connect(testConfig(), root);
    harnesses.push(c);
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
