// bash run_in_background, task_output and task_kill, through the SDK client against real shells.
import { isRunning, killAll, pidsIn, waitFor } from "@boris-mcp/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { errorOf, okText, removeDir, tempDir, testConfig, textOf } from "../test/file-support.js";
import { connectShell, type ShellHarness, structured } from "../test/shell-support.js";

let root: string;
let h: ShellHarness;
const stray: number[] = [];

beforeAll(async () => {
  root = await tempDir("boris-tasks-");
});

afterAll(async () => {
  await removeDir(root);
});

afterEach(async () => {
  await h?.close();
  killAll(stray.splice(0));
});

async function open(sessionOptions = {}, overrides = {}): Promise<ShellHarness> {
  h = await connectShell(testConfig(overrides), { workdir: root, ...sessionOptions });
  return h;
}

async function start(command: string): Promise<string> {
  const result = await h.call("bash", { command, run_in_background: true });
  const id = String(structured(result).task_id);
  expect(textOf(result)).toBe(`task_id: ${id}\nCommand started in background.`);
  expect(structured(result)).toEqual({ task_id: id });
  return id;
}

/** Waits until the running task's stdout shows `count` pids and returns them. */
async function pidsOf(id: string, count: number): Promise<number[]> {
  let pids: number[] = [];
  await waitFor(() => {
    const task = h.session.getTask(id);
    pids = task ? pidsIn(task.stdout.toString()) : [];
    return pids.length >= count;
  });
  stray.push(...pids);
  return pids;
}

describe("bash run_in_background", () => {
  it("returns a task id at once; task_output block: true waits for the end; the output is read once", async () => {
    await open();
    const id = await start("echo first; sleep 0.3; echo oops >&2; echo second; exit 5");
    const result = await h.call("task_output", { task_id: id, block: true, timeout: 10_000 });
    expect(result.isError).toBeUndefined();
    expect(textOf(result)).toBe(
      `task_id: ${id}\nstatus: completed\nexit_code: 5\nstderr:\noops\n\nstdout:\nfirst\nsecond\n`,
    );
    expect(structured(result)).toMatchObject({
      task_id: id,
      status: "completed",
      exit_code: 5,
      stdout: "first\nsecond\n",
      stderr: "oops\n",
      timed_out: false,
      killed: false,
    });
    expect(h.session.getTask(id)).toBeUndefined();
    const again = errorOf(await h.call("task_output", { task_id: id }), "BASH_TASK_NOT_FOUND");
    expect(again).toContain(id);
    expect(again).toMatch(/read only once/);
  });

  it("reports a running task with its output so far", async () => {
    await open();
    const id = await start("echo started; echo $$; sleep 1000");
    await pidsOf(id, 1);
    const result = await h.call("task_output", { task_id: id });
    expect(textOf(result)).toMatch(
      new RegExp(`^task_id: ${id}\\nstatus: running\\nstdout:\\nstarted\\n\\d+\\n$`),
    );
    expect(structured(result)).toMatchObject({
      status: "running",
      command: "echo started; echo $$; sleep 1000",
    });
    // Still there: only a completed task is removed.
    expect(h.session.getTask(id)?.status).toBe("running");
  });

  it("stops waiting after the block timeout and reports the task as running", async () => {
    await open();
    const id = await start("sleep 1000");
    const result = await h.call("task_output", { task_id: id, block: true, timeout: 200 });
    expect(structured(result).status).toBe("running");
    expect(h.session.getTask(id)).toBeDefined();
  });

  it("does not change the session cwd and runs in it", async () => {
    await open();
    const id = await start("pwd; cd /");
    const result = await h.call("task_output", { task_id: id, block: true });
    expect(structured(result).stdout).toBe(`${root}\n`);
    expect(h.session.cwd).toBe(root);
  });

  it("refuses the 11th running task with BASH_TASK_LIMIT", async () => {
    await open();
    for (let i = 0; i < 10; i++) await start("sleep 1000");
    expect(h.session.runningTaskCount).toBe(10);
    const message = errorOf(
      await h.call("bash", { command: "true", run_in_background: true }),
      "BASH_TASK_LIMIT",
    );
    expect(message).toMatch(/10 background tasks/);
    // A foreground command is still fine.
    expect(okText(await h.call("bash", { command: "echo fg" }))).toContain("fg");
  });

  it("reports a task killed by the background safety net", async () => {
    await open({ backgroundTaskTimeoutMs: 300 });
    const id = await start("echo $$; sleep 1000");
    const [pid] = await pidsOf(id, 1);
    const result = await h.call("task_output", { task_id: id, block: true, timeout: 10_000 });
    expect(textOf(result)).toMatch(
      /^task_id: \S+\nstatus: completed \(killed by background task timeout\)\nexit_code: 143\n/,
    );
    expect(structured(result)).toMatchObject({ status: "completed", timed_out: true, exit_code: 143 });
    expect(isRunning(pid!)).toBe(false);
  });

  it("keeps a background task's output bounded, head and tail", async () => {
    await open({ outputLimit: 1000 });
    const id = await start("seq 1 100000");
    const { stdout } = structured(await h.call("task_output", { task_id: id, block: true })) as {
      stdout: string;
    };
    expect(stdout.startsWith("1\n2\n")).toBe(true);
    expect(stdout).toMatch(/\n\[… \d+ characters omitted …\]\n/);
    expect(stdout.endsWith("99999\n100000\n")).toBe(true);
  });
});

describe("task_kill", () => {
  it("kills a task that ignores SIGTERM (after the grace) and returns its final output", async () => {
    await open({ graceMs: 300 });
    const id = await start("trap '' TERM; echo $$; sleep 1000 & echo $!; wait");
    const pids = await pidsOf(id, 2);
    expect(pids.every(isRunning)).toBe(true);
    const task = h.session.getTask(id)!;
    const result = await h.call("task_kill", { task_id: id });
    // Through the task's own kill(): the task knows it was killed.
    expect(task.killed).toBe(true);
    expect(textOf(result)).toMatch(
      new RegExp(
        `^task_id: ${id}\\nstatus: completed \\(killed by task_kill\\)\\nexit_code: 137\\nstdout:\\n`,
      ),
    );
    expect(structured(result)).toMatchObject({
      status: "completed",
      killed: true,
      timed_out: false,
      exit_code: 137,
    });
    expect(pids.some(isRunning)).toBe(false);
    errorOf(await h.call("task_output", { task_id: id }), "BASH_TASK_NOT_FOUND");
  });

  it("returns a task that already completed like task_output, without signalling anything", async () => {
    await open();
    const id = await start("echo done");
    await waitFor(() => h.session.getTask(id)?.status === "completed");
    const result = await h.call("task_kill", { task_id: id });
    expect(textOf(result)).toBe(`task_id: ${id}\nstatus: completed\nexit_code: 0\nstdout:\ndone\n`);
    expect(h.session.getTask(id)).toBeUndefined();
  });

  it("answers BASH_TASK_NOT_FOUND for an unknown id, naming it", async () => {
    await open();
    expect(errorOf(await h.call("task_kill", { task_id: "nope-1" }), "BASH_TASK_NOT_FOUND")).toContain(
      "'nope-1'",
    );
    const message = errorOf(await h.call("task_output", { task_id: "nope-2" }), "BASH_TASK_NOT_FOUND");
    expect(message).toContain("'nope-2'");
    expect(message).toMatch(/ids are per session/);
    expect(message).toMatch(/read only once/);
  });

  it("answers SESSION_CLOSED once the session is closed, and close killed the task", async () => {
    await open();
    const id = await start("echo $$; sleep 1000");
    const [pid] = await pidsOf(id, 1);
    await h.session.close();
    expect(isRunning(pid!)).toBe(false);
    errorOf(await h.call("task_output", { task_id: id }), "SESSION_CLOSED");
    errorOf(await h.call("task_kill", { task_id: id }), "SESSION_CLOSED");
  });

  it("validates arguments with INVALID_INPUT naming the field", async () => {
    await open();
    expect(errorOf(await h.call("task_output", {}), "INVALID_INPUT")).toContain("task_id");
    expect(errorOf(await h.call("task_output", { task_id: "x", timeout: -1 }), "INVALID_INPUT")).toContain(
      "timeout",
    );
  });
});
