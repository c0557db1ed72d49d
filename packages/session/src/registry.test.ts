import { tmpdir } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { isGone, isRunning, Leftovers } from "@boris-mcp/test-support";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SessionRegistry } from "./registry.js";
import { Session } from "./session.js";
import { startBash, TRAP_TERM, waitForOutput } from "./test-helpers.js";

const workdir = tmpdir();
const leftovers = new Leftovers();
const created: Session[] = [];
afterEach(async () => {
  await Promise.all(created.splice(0).map((s) => s.close()));
  leftovers.cleanup();
});

function newSession(graceMs = 2000): Session {
  const session = new Session({ workdir, graceMs });
  created.push(session);
  return session;
}

describe("SessionRegistry", () => {
  it("closes and removes a registered session, killing its tasks", async () => {
    const registry = new SessionRegistry();
    const s = newSession();
    const task = startBash(s, "sleep 1000", leftovers);
    registry.register("abc", s);
    expect(registry.get("abc")).toBe(s);
    expect(registry.has("abc")).toBe(true);
    expect(registry.size).toBe(1);
    const close = vi.spyOn(s, "close");
    await registry.closeAndRemove("abc");
    expect(close).toHaveBeenCalledTimes(1);
    expect(s.closed).toBe(true);
    expect(isGone(task.pid)).toBe(true);
    expect(registry.get("abc")).toBeUndefined();
    expect(registry.size).toBe(0);
  });

  it("treats an unknown id as a no-op", async () => {
    const registry = new SessionRegistry();
    await expect(registry.closeAndRemove("unknown-id")).resolves.toBeUndefined();
    const s = newSession();
    registry.register("known", s);
    await registry.closeAndRemove("unknown-id");
    expect(s.closed).toBe(false);
    expect(registry.size).toBe(1);
    expect(registry.ids()).toEqual(["known"]);
  });

  it("resolves a second closeAndRemove of a closing id only once the close has finished", async () => {
    const registry = new SessionRegistry();
    const s = newSession(300);
    const task = startBash(s, TRAP_TERM, leftovers);
    await waitForOutput(task, "ready");
    registry.register("x", s);
    const first = registry.closeAndRemove("x");
    expect(registry.get("x")).toBeUndefined();
    const seen: boolean[] = [];
    const second = registry.closeAndRemove("x").then(() => seen.push(isRunning(task.pid)));
    const all = registry.closeAll().then(() => seen.push(isRunning(task.pid)));
    await Promise.all([first, second, all]);
    expect(seen).toEqual([false, false]);
    expect(task.signal).toBe("SIGKILL");
  });

  it("closes a new session registered under an id whose old session is still closing", async () => {
    const registry = new SessionRegistry();
    const old = newSession(300);
    const stubborn = startBash(old, TRAP_TERM, leftovers);
    await waitForOutput(stubborn, "ready");
    registry.register("reused", old);
    const closingOld = registry.closeAndRemove("reused");
    const fresh = newSession();
    registry.register("reused", fresh);
    await registry.closeAndRemove("reused");
    expect(fresh.closed).toBe(true);
    expect(registry.size).toBe(0);
    await closingOld;
  });

  it("closes a session that another registration under the same id replaces", async () => {
    const registry = new SessionRegistry();
    const first = newSession();
    const task = startBash(first, "sleep 1000", leftovers);
    const second = newSession();
    registry.register("id", first);
    registry.register("id", first);
    expect(first.closed).toBe(false);
    registry.register("id", second);
    expect(first.closed).toBe(true);
    expect(registry.get("id")).toBe(second);
    await registry.closeAll();
    expect(isGone(task.pid)).toBe(true);
    expect(second.closed).toBe(true);
  });

  it("stays consistent under interleaved register, closeAndRemove and closeAll", async () => {
    const registry = new SessionRegistry();
    const sessions = Array.from({ length: 40 }, () => newSession(300));
    // Some sessions hold a task so that their close takes a while and overlaps the others.
    const tasks = sessions.filter((_, i) => i % 8 === 0).map((s) => startBash(s, "sleep 1000", leftovers));
    const ops: Promise<unknown>[] = [];
    sessions.forEach((s, i) => {
      const id = `s${i}`;
      ops.push(
        (async () => {
          await sleep(i % 5);
          registry.register(id, s);
          if (i % 3 === 0) await registry.closeAndRemove(id);
          if (i % 4 === 0) await Promise.all([registry.closeAndRemove(id), registry.closeAndRemove(id)]);
        })(),
      );
      if (i % 10 === 5) ops.push(registry.closeAll());
      if (i % 7 === 0) ops.push(registry.closeAndRemove(`s${i + 1}`));
    });
    await Promise.all(ops);
    // Sessions registered after the last closeAll began may remain: one more closes them.
    await registry.closeAll();
    expect(registry.size).toBe(0);
    for (const s of sessions) expect(s.closed).toBe(true);
    for (const task of tasks) expect(isGone(task.pid)).toBe(true);
  });

  it("closeAll closes every session in parallel and empties the registry", async () => {
    const registry = new SessionRegistry();
    const sessions = [newSession(300), newSession(300), newSession(300)];
    const tasks = sessions.map((s, i) => {
      registry.register(`id${i}`, s);
      return startBash(s, TRAP_TERM, leftovers);
    });
    for (const task of tasks) await waitForOutput(task, "ready");
    expect(registry.size).toBe(3);
    await registry.closeAll();
    expect(registry.size).toBe(0);
    for (const task of tasks) expect(isGone(task.pid)).toBe(true);
    await registry.closeAll();
  });
});
