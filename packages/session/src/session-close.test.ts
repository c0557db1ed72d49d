import { startRun } from "@boris-mcp/process-group";
import { isGone, isRunning, markedPids, procStat, readPids, waitFor } from "@boris-mcp/test-support";
import { describe, expect, it, vi } from "vitest";
import { commandLine, expectSessionError, spyKills, useSessions } from "./test/sessions.js";
import { startBash, TRAP_TERM, waitForOutput } from "./test-helpers.js";

const { workdir, leftovers, newSession } = useSessions();

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
