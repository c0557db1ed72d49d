import { isGone, markedPids } from "@boris-mcp/test-support";
import { describe, expect, it, vi } from "vitest";
import { MARKER_NAME } from "./session.js";
import { expectSessionError, spyKills, useSessions } from "./test/sessions.js";
import { startBash, TRAP_TERM } from "./test-helpers.js";

const { workdir, leftovers, newSession } = useSessions();

describe("Session basics", () => {
  it("has a tracked cwd, a 16-hex nonce and a marker unique per session", () => {
    const a = newSession();
    const b = newSession();
    expect(a.cwd).toBe(workdir);
    expect(a.nonce).toMatch(/^[0-9a-f]{16}$/);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.marker.name).toBe(MARKER_NAME);
    expect(a.marker.value).not.toBe(b.marker.value);
    expect(a.env).toEqual({ [MARKER_NAME]: a.marker.value });
    expect(a.closed).toBe(false);
    expect(a.taskCount).toBe(0);
  });

  it("prefixes the marker value with markerPrefix", () => {
    const s = newSession({ markerPrefix: "srv42" });
    expect(s.marker.value).toBe(`srv42.${s.id}`);
  });

  it("tracks tasks by id until removed", async () => {
    const s = newSession();
    const task = startBash(s, "echo hi", leftovers);
    expect(s.getTask(task.id)).toBe(task);
    expect(s.taskCount).toBe(1);
    await task.done;
    expect(s.runningTaskCount).toBe(0);
    expect(s.removeTask(task.id)).toBe(true);
    expect(s.getTask(task.id)).toBeUndefined();
    expect(s.removeTask(task.id)).toBe(false);
  });
});

describe("BASH_TASK_LIMIT", () => {
  it("refuses the 11th running task without spawning, and counts only running tasks", async () => {
    const s = newSession();
    const tasks = Array.from({ length: 10 }, () => startBash(s, "sleep 1000", leftovers));
    const marked = () => markedPids(s.marker.value).length;
    const before = marked();
    expectSessionError(() => startBash(s, "sleep 1000", leftovers), "BASH_TASK_LIMIT");
    expect(marked()).toBe(before);
    expect(s.taskCount).toBe(10);
    // A completed task (still held for its output) frees a slot.
    await tasks[0]!.kill();
    expect(s.taskCount).toBe(10);
    const eleventh = startBash(s, "sleep 1000", leftovers);
    expect(s.runningTaskCount).toBe(10);
    expect(s.taskCount).toBe(11);
    await s.close();
    expect(isGone(eleventh.pid)).toBe(true);
  });

  it("says what the limit is and how to free a slot", () => {
    const s = newSession({ maxRunningTasks: 1 });
    startBash(s, "sleep 1000", leftovers);
    expect(() => startBash(s, "sleep 1000", leftovers)).toThrow(
      /^1 background tasks are already running.*task_kill/,
    );
  });
});

describe("background task safety net", () => {
  it("kills a task running past backgroundTaskTimeoutMs and marks it timed out", async () => {
    const s = newSession({ backgroundTaskTimeoutMs: 300, graceMs: 2000 });
    const task = startBash(s, "echo started; sleep 1000", leftovers);
    await task.done;
    expect(task.timedOut).toBe(true);
    expect(task.status).toBe("completed");
    expect(task.signal).toBe("SIGTERM");
    expect(task.killed).toBe(false);
    expect(task.stdout.toString()).toBe("started\n");
    expect(isGone(task.pid)).toBe(true);
  });

  it("escalates to KILL for a timed-out task that ignores TERM", async () => {
    const s = newSession({ backgroundTaskTimeoutMs: 300, graceMs: 300 });
    const task = startBash(s, TRAP_TERM, leftovers);
    await task.done;
    expect(task.timedOut).toBe(true);
    expect(task.signal).toBe("SIGKILL");
  });

  it("never marks a task that finished first as timed out (its timer is cleared)", async () => {
    // Fake timers that follow the clock, so the real process and its drain work as usual, and that
    // can then be run past the safety net's moment at once.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"], shouldAdvanceTime: true });
    try {
      const s = newSession({ backgroundTaskTimeoutMs: 300 });
      const task = startBash(s, "echo quick", leftovers);
      await task.done;
      expect(vi.getTimerCount()).toBe(0);
      const kills = spyKills();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(task.timedOut).toBe(false);
      expect(task.exitCode).toBe(0);
      expect(kills.sent()).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("arms one timer per task when on and none when off (0)", async () => {
    const setTimer = vi.spyOn(globalThis, "setTimeout");
    const on = newSession({ backgroundTaskTimeoutMs: 300 });
    startBash(on, "sleep 1000", leftovers);
    expect(setTimer.mock.calls.map(([, ms]) => ms)).toEqual([300]);
    setTimer.mockClear();
    const off = newSession({ backgroundTaskTimeoutMs: 0, graceMs: 2000 });
    const task = startBash(off, "sleep 0.4; echo finished", leftovers);
    expect(setTimer).not.toHaveBeenCalled();
    await task.done;
    expect(task.timedOut).toBe(false);
    expect(task.stdout.toString()).toBe("finished\n");
  });
});
