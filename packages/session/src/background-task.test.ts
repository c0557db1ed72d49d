import { tmpdir } from "node:os";
import { type RunOptions, startRun } from "@boris-mcp/process-group";
import { isGone, isRunning, Leftovers, readPids } from "@boris-mcp/test-support";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BackgroundTask } from "./background-task.js";

const cwd = tmpdir();
const leftovers = new Leftovers();
afterEach(() => {
  vi.restoreAllMocks();
  leftovers.cleanup();
});

let taskNumber = 0;
function start(script: string, options: Partial<RunOptions> = {}): BackgroundTask {
  const run = startRun("bash", ["-c", script], {
    cwd,
    graceMs: 2000,
    outputLimit: 30_000,
    drainMs: 100,
    ...options,
  });
  leftovers.group(run.pgid);
  return new BackgroundTask(`t${++taskNumber}`, script, run);
}

describe("BackgroundTask", () => {
  it("collects stdout and stderr separately and reports the exit code", async () => {
    const task = start("echo out; echo err >&2; printf 'no newline'; exit 3");
    expect(task.status).toBe("running");
    expect(task.exitCode).toBeNull();
    await task.done;
    expect(task.status).toBe("completed");
    expect(task.exitCode).toBe(3);
    expect(task.signal).toBeNull();
    expect(task.killed).toBe(false);
    expect(task.timedOut).toBe(false);
    expect(task.stdout.toString()).toBe("out\nno newline");
    expect(task.stderr.toString()).toBe("err\n");
    expect(task.command).toBe("echo out; echo err >&2; printf 'no newline'; exit 3");
    expect(task.startedAt).toBeInstanceOf(Date);
  });

  it("reports the signal when kill() ends it", async () => {
    const task = start("echo started; sleep 1000");
    await vi.waitFor(() => expect(task.stdout.toString()).toBe("started\n"));
    await task.kill();
    expect(task.status).toBe("completed");
    expect(task.killed).toBe(true);
    expect(task.signal).toBe("SIGTERM");
    expect(task.exitCode).toBeNull();
    expect(isGone(task.pid)).toBe(true);
    expect(task.stdout.toString()).toBe("started\n");
  });

  it("reports a signal from elsewhere without calling it killed", async () => {
    const task = start("sleep 1000");
    process.kill(task.pid, "SIGKILL");
    await task.done;
    expect(task.signal).toBe("SIGKILL");
    expect(task.killed).toBe(false);
  });

  it("completes after the drain window although a left-behind child holds the pipe", async () => {
    const task = start("sleep 1000 & echo $!", { drainMs: 50 });
    const [child] = await readPids(() => task.stdout.toString(), 1);
    await task.done;
    expect(task.status).toBe("completed");
    expect(task.exitCode).toBe(0);
    expect(isRunning(child!)).toBe(true);
    // kill() now only waits: the task ended by itself; its leftover belongs to the session.
    await task.kill();
    expect(task.killed).toBe(false);
    expect(isRunning(child!)).toBe(true);
  });

  it("does not signal a task whose leader exited while its output still drains", async () => {
    const task = start("sleep 1000 & echo $!", { drainMs: 300 });
    const [child] = await readPids(() => task.stdout.toString(), 1);
    await task.run.exited;
    expect(task.status).toBe("running");
    const kill = vi.spyOn(process, "kill");
    await task.kill();
    expect(kill.mock.calls.filter(([, sig]) => sig !== 0)).toEqual([]);
    expect(task.status).toBe("completed");
    expect(task.killed).toBe(false);
    expect(task.exitCode).toBe(0);
    expect(isRunning(child!)).toBe(true);
  });

  it("keeps a task's buffers bounded while it prints 1 GB", async () => {
    const task = start("yes | head -c 1000000000", { outputLimit: 30_000 });
    await task.done;
    expect(task.exitCode).toBe(0);
    expect(task.stdout.totalLength).toBe(1_000_000_000);
    expect(task.stdout.retainedLength).toBeLessThanOrEqual(30_000);
    expect(task.stdout.omitted).toBe(1_000_000_000 - task.stdout.retainedLength);
    const text = task.stdout.toString();
    expect(text.startsWith("y\ny\n")).toBe(true);
    expect(text).toContain(`[… ${task.stdout.omitted} characters omitted …]`);
  });

  it("is timed out, not killed, when its run's safety net fires", async () => {
    const task = start("sleep 1000", { timeoutMs: 200 });
    await task.done;
    expect(task.timedOut).toBe(true);
    expect(task.killed).toBe(false);
    expect(task.signal).toBe("SIGTERM");
  });
});
