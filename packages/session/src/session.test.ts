import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { startRun } from "@boris-mcp/process-group";
import {
  isGone,
  isRunning,
  Leftovers,
  markedPids,
  procStat,
  readPids,
  waitFor,
} from "@boris-mcp/test-support";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MARKER_NAME, Session, SessionError } from "./session.js";
import { startBash, TRAP_TERM, waitForOutput } from "./test-helpers.js";

const workdir = tmpdir();
const leftovers = new Leftovers();
const sessions: Session[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  leftovers.cleanup();
});

function newSession(options: Partial<ConstructorParameters<typeof Session>[0]> = {}): Session {
  const session = new Session({ workdir, ...options });
  sessions.push(session);
  return session;
}

/** Signals sent through process.kill while the spy is active, signal 0 (liveness probes) left out. */
function spyKills(): { sent: () => Array<[number, string | number | undefined]> } {
  const spy = vi.spyOn(process, "kill");
  return {
    sent: () =>
      spy.mock.calls
        .filter(([, sig]) => sig !== 0)
        .map(([pid, sig]) => [pid, sig] as [number, string | number | undefined]),
  };
}

/** `pid`'s arguments joined by spaces; "" once it is gone. */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return "";
  }
}

function expectSessionError(fn: () => unknown, code: string): void {
  let error: unknown;
  try {
    fn();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(SessionError);
  expect((error as SessionError).code).toBe(code);
}

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

describe("Session.close", () => {
  it("kills three running tasks with TERM to each group and empties the task map", async () => {
    const s = newSession({ graceMs: 5000 });
    const tasks = [1, 2, 3].map(() => startBash(s, "sleep 1000; echo never", leftovers));
    expect(s.runningTaskCount).toBe(3);
    for (const task of tasks) expect(isRunning(task.pid)).toBe(true);
    const kills = spyKills();
    await s.close();
    for (const task of tasks) {
      expect(kills.sent()).toContainEqual([-task.run.pgid, "SIGTERM"]);
      expect(isGone(task.pid)).toBe(true);
      expect(task.status).toBe("completed");
      expect(task.killed).toBe(true);
      expect(task.signal).toBe("SIGTERM");
    }
    expect(s.taskCount).toBe(0);
    expect(s.runningTaskCount).toBe(0);
    expect(s.closed).toBe(true);
  });

  it("is idempotent: a second close resolves and signals nothing", async () => {
    const s = newSession();
    const task = startBash(s, "sleep 1000", leftovers);
    await s.close();
    expect(isGone(task.pid)).toBe(true);
    const kills = spyKills();
    await s.close();
    expect(kills.sent()).toEqual([]);
    expect(s.closed).toBe(true);
  });

  it("resolves every concurrent caller only after cleanup is done", async () => {
    const s = newSession({ graceMs: 300 });
    const task = startBash(s, TRAP_TERM, leftovers);
    await waitForOutput(task, "ready");
    const seenAlive: boolean[] = [];
    await Promise.all([1, 2, 3, 4].map(() => s.close().then(() => seenAlive.push(isRunning(task.pid)))));
    expect(seenAlive).toEqual([false, false, false, false]);
    expect(task.signal).toBe("SIGKILL");
    expect(s.taskCount).toBe(0);
  });

  it("drops a completed task without signalling it", async () => {
    const s = newSession({ graceMs: 5000 });
    const finished = startBash(s, "echo done", leftovers);
    const running = startBash(s, "sleep 1000", leftovers);
    await finished.done;
    expect(finished.status).toBe("completed");
    const kills = spyKills();
    await s.close();
    const targets = kills.sent().map(([pid]) => pid);
    expect(targets).not.toContain(-finished.run.pgid);
    expect(targets).not.toContain(finished.pid);
    expect(kills.sent()).toContainEqual([-running.run.pgid, "SIGTERM"]);
    expect(finished.killed).toBe(false);
    expect(finished.exitCode).toBe(0);
    expect(running.killed).toBe(true);
    expect(isGone(running.pid)).toBe(true);
    expect(s.taskCount).toBe(0);
  });

  it("kills what a completed task left in its group even without the marker", async () => {
    const s = newSession({ graceMs: 2000 });
    // env -i drops the marker: only the task's group still leads to the child.
    const task = startBash(s, "env -i sleep 1000 & echo $!", leftovers);
    const [child] = await readPids(() => task.stdout.toString(), 1);
    await task.done;
    expect(isRunning(child!)).toBe(true);
    expect(procStat(child!)?.pgrp).toBe(task.run.pgid);
    await s.close();
    expect(isRunning(child!)).toBe(false);
    expect(task.killed).toBe(false);
    expect(task.exitCode).toBe(0);
  });

  it("refuses startTask and run after close with SESSION_CLOSED, starting nothing", async () => {
    const s = newSession();
    await s.close();
    expectSessionError(() => startBash(s, "sleep 1000", leftovers), "SESSION_CLOSED");
    expectSessionError(() => s.run("sleep", ["1000"], { cwd: workdir }), "SESSION_CLOSED");
    // Nothing carries the session's marker: nothing was started.
    expect(markedPids(s.marker.value)).toEqual([]);
    expect(s.taskCount).toBe(0);
  });

  it("refuses new work as soon as close has begun", async () => {
    const s = newSession({ graceMs: 300 });
    const task = startBash(s, TRAP_TERM, leftovers);
    await waitForOutput(task, "ready");
    const closing = s.close();
    expectSessionError(() => startBash(s, "sleep 1000", leftovers), "SESSION_CLOSED");
    expectSessionError(() => s.run("sleep", ["1000"], { cwd: workdir }), "SESSION_CLOSED");
    expectSessionError(() => s.assertOpen(), "SESSION_CLOSED");
    // Nothing of the session runs `sleep 1000` (the stubborn task only forks `sleep 0.1`).
    expect(markedPids(s.marker.value).filter((pid) => commandLine(pid) === "sleep 1000")).toEqual([]);
    await closing;
  });

  it("kills a task that ignores TERM once the grace is over", async () => {
    const s = newSession({ graceMs: 300 });
    const task = startBash(s, TRAP_TERM, leftovers);
    await waitForOutput(task, "ready");
    await s.close();
    expect(isGone(task.pid)).toBe(true);
    expect(task.signal).toBe("SIGKILL");
    expect(task.stdout.toString()).toBe("ready\n");
  });

  it("terminates ten TERM-ignoring tasks in parallel: every TERM goes out before the first KILL", async () => {
    const s = newSession({ graceMs: 300 });
    const tasks = Array.from({ length: 10 }, () => startBash(s, TRAP_TERM, leftovers));
    for (const task of tasks) await waitForOutput(task, "ready");
    const kills = spyKills();
    await s.close();
    const sent = kills.sent().filter(([, sig]) => sig === "SIGTERM" || sig === "SIGKILL");
    const firstKill = sent.findIndex(([, sig]) => sig === "SIGKILL");
    // One after the other, a task's KILL would come before the next task's TERM.
    expect(
      sent
        .slice(0, firstKill)
        .map(([pid]) => pid)
        .sort(),
    ).toEqual(tasks.map((task) => -task.run.pgid).sort());
    for (const task of tasks) {
      expect(isGone(task.pid)).toBe(true);
      expect(task.signal).toBe("SIGKILL");
    }
  });

  it("kills a setsid daemon started by a running task (marker sweep)", async () => {
    const s = newSession({ graceMs: 2000 });
    const task = startBash(s, "setsid bash -c 'sleep 1000' & echo $!; sleep 1000", leftovers);
    const [daemon] = await readPids(() => task.stdout.toString(), 1);
    leftovers.pid(daemon!);
    // It left the task's group and session: the group kill cannot reach it.
    expect(await waitFor(() => procStat(daemon!)?.session === daemon)).toBe(true);
    expect(procStat(daemon!)?.pgrp).not.toBe(task.run.pgid);
    await s.close();
    expect(isGone(task.pid)).toBe(true);
    expect(isRunning(daemon!)).toBe(false);
  });

  it("kills a setsid daemon left by a task that already completed", async () => {
    const s = newSession({ graceMs: 2000 });
    const task = startBash(s, "setsid sleep 1000 & echo $!", leftovers);
    const [daemon] = await readPids(() => task.stdout.toString(), 1);
    leftovers.pid(daemon!);
    await task.done;
    expect(await waitFor(() => procStat(daemon!)?.session === daemon)).toBe(true);
    expect(isRunning(daemon!)).toBe(true);
    await s.close();
    expect(isRunning(daemon!)).toBe(false);
    expect(task.killed).toBe(false);
  });

  it("kills what a finished run left in its group, by group alone", async () => {
    const s = newSession({ graceMs: 2000 });
    // env -i drops the marker: only the run's group can lead close() to the child.
    const run = s.run("bash", ["-c", "env -i sleep 1000 & echo $!"], {
      cwd: workdir,
      outputLimit: 100,
      drainMs: 50,
    });
    leftovers.group(run.pgid);
    const [orphan] = await readPids(() => run.stdout.toString(), 1);
    await run.result;
    expect(isRunning(orphan!)).toBe(true);
    expect(procStat(orphan!)?.pgrp).toBe(run.pgid);
    await s.close();
    expect(isRunning(orphan!)).toBe(false);
    expect(run.reason).toBe("exited");
  });

  it("leaves a group it did not start alone (control for the test above)", async () => {
    const s = newSession({ graceMs: 2000 });
    const other = startRun("bash", ["-c", "sleep 1000 & echo $!"], {
      cwd: workdir,
      outputLimit: 100,
      drainMs: 50,
    });
    leftovers.group(other.pgid);
    const [orphan] = await readPids(() => other.stdout.toString(), 1);
    await s.close();
    expect(isRunning(orphan!)).toBe(true);
  });

  it("kills a setsid daemon started by a finished run (marker sweep)", async () => {
    const s = newSession({ graceMs: 2000 });
    const run = s.run("bash", ["-c", "setsid sleep 1000 & echo $!"], {
      cwd: workdir,
      outputLimit: 100,
      drainMs: 50,
    });
    leftovers.group(run.pgid);
    const [daemon] = await readPids(() => run.stdout.toString(), 1);
    leftovers.pid(daemon!);
    await run.result;
    expect(await waitFor(() => procStat(daemon!)?.session === daemon)).toBe(true);
    await s.close();
    expect(isRunning(daemon!)).toBe(false);
  });

  it("runs onClose hooks once, awaits them, and survives a failing one", async () => {
    const s = newSession();
    const order: string[] = [];
    s.onClose(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push("slow hook");
    });
    s.onClose(() => {
      throw new Error("hook failure");
    });
    const removed = vi.fn();
    s.onClose(removed)();
    await Promise.all([s.close(), s.close()]);
    order.push("closed");
    await s.close();
    expect(order).toEqual(["slow hook", "closed"]);
    expect(removed).not.toHaveBeenCalled();
  });

  it("ends a running run with reason session-closed", async () => {
    const s = newSession({ graceMs: 2000 });
    const run = s.run("sleep", ["1000"], { cwd: workdir });
    leftovers.group(run.pgid);
    await s.close();
    const result = await run.result;
    expect(result.reason).toBe("session-closed");
    expect(result.exit).toEqual({ code: null, signal: "SIGTERM" });
    expect(isGone(run.pid)).toBe(true);
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
