import path from "node:path";
import { isGone, isRunning, pidsIn, procStat, waitFor } from "@boris-mcp/test-support";
import { describe, expect, it } from "vitest";
import { h, open, readFileOrEmpty, root, stray, useBashFixture } from "../test/bash-fixture.js";
import { textOf } from "../test/file-support.js";
import { structured } from "../test/shell-support.js";

useBashFixture();

describe("bash: lifetime of what it starts", () => {
  it("times out: terminates the whole group, says so, leaves the cwd", async () => {
    await open();
    const result = await h.call("bash", {
      command: "echo $$; sleep 1000 & echo $!; cd sub; wait",
      timeout: 800,
    });
    const text = textOf(result);
    expect(text.startsWith("Command timed out after 800ms\n\nexit_code: 143\nstdout:\n")).toBe(true);
    expect(structured(result)).toMatchObject({ timed_out: true, exit_code: 143, cwd: root });
    const [shell, sleeper] = pidsIn(String(structured(result).stdout));
    stray.push(shell!, sleeper!);
    expect(isGone(shell!)).toBe(true);
    expect(isRunning(sleeper!)).toBe(false);
    expect(h.session.cwd).toBe(root);
  });

  it("caps the timeout at the configured maximum", async () => {
    await open({ maxTimeoutMs: 300 });
    const result = await h.call("bash", { command: "sleep 1000", timeout: 100_000 });
    expect(textOf(result).startsWith("Command timed out after 300ms")).toBe(true);
  });

  it("escalates to SIGKILL for a command that ignores SIGTERM", async () => {
    await open();
    // Long enough for the shell to reach the trap even on a loaded machine.
    const result = await h.call("bash", { command: "trap '' TERM; echo $$; sleep 1000", timeout: 1000 });
    expect(structured(result)).toMatchObject({ timed_out: true, exit_code: 137 });
    const [shell] = pidsIn(String(structured(result).stdout));
    expect(isGone(shell!)).toBe(true);
  });

  it("kills the command when the client cancels the call", async () => {
    await open();
    const pidFile = path.join(root, "cancel.pids");
    const controller = new AbortController();
    const call = h.call(
      "bash",
      { command: `sleep 1000 & echo $! > ${pidFile}; echo $$ >> ${pidFile}; wait` },
      { signal: controller.signal },
    );
    const settled = call.then(
      () => "resolved",
      () => "rejected",
    );
    let pids: number[] = [];
    await waitFor(() => {
      pids = pidsIn(readFileOrEmpty(pidFile));
      return pids.length === 2;
    });
    stray.push(...pids);
    expect(pids.every(isRunning)).toBe(true);
    controller.abort();
    expect(await settled).toBe("rejected");
    expect(await waitFor(() => pids.every((pid) => !isRunning(pid)))).toBe(true);
    expect(await waitFor(() => isGone(pids[1]!))).toBe(true);
  });

  it("returns when the shell exits, leaving `sleep &` to the session, which kills it on close", async () => {
    await open();
    const result = await h.call("bash", {
      command: "sleep 1000 & echo $!; nohup sleep 1000 & echo $!",
      timeout: 20_000,
    });
    expect(structured(result).timed_out).toBe(false);
    const pids = pidsIn(String(structured(result).stdout));
    stray.push(...pids);
    expect(pids).toHaveLength(2);
    expect(pids.every(isRunning)).toBe(true);
    await h.session.close();
    expect(pids.some(isRunning)).toBe(false);
  });

  it("kills a running foreground command when the session closes; the call then returns", async () => {
    await open();
    const pidFile = path.join(root, "close.pids");
    const call = h.call("bash", { command: `echo $$ > ${pidFile}; sleep 1000` });
    let pids: number[] = [];
    await waitFor(() => {
      pids = pidsIn(readFileOrEmpty(pidFile));
      return pids.length === 1;
    });
    stray.push(...pids);
    await h.session.close();
    expect(isRunning(pids[0]!)).toBe(false);
    expect(structured(await call)).toMatchObject({ exit_code: 143, timed_out: false, cwd: root });
    expect(isGone(pids[0]!)).toBe(true);
  });

  it("kills a setsid-escaped daemon when the session closes", async () => {
    await open();
    const result = await h.call("bash", { command: "setsid sleep 1000 >/dev/null 2>&1 & echo $!" });
    const [daemon] = pidsIn(String(structured(result).stdout));
    stray.push(daemon!);
    expect(await waitFor(() => procStat(daemon!)?.session === daemon)).toBe(true);
    expect(isRunning(daemon!)).toBe(true);
    await h.session.close();
    expect(isRunning(daemon!)).toBe(false);
  });
});
