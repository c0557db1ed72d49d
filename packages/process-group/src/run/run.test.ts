import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGone, isRunning, Leftovers, procStat, readPids, waitFor } from "@boris-mcp/test-support";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { SpawnError } from "../group/spawn.js";
import { type Run, type RunOptions, startRun } from "./run.js";

const cwd = tmpdir();
const dir = mkdtempSync(join(tmpdir(), "boris-run-"));
const leftovers = new Leftovers();
afterEach(() => {
  vi.restoreAllMocks();
  leftovers.cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bash(script: string, options: Partial<RunOptions> = {}): Run {
  const run = startRun("bash", ["-c", script], {
    cwd,
    graceMs: 2000,
    outputLimit: 1_000_000,
    drainMs: 100,
    ...options,
  });
  leftovers.group(run.pgid);
  return run;
}

const TRAP_TERM = 'trap "" TERM; echo ready; while :; do sleep 0.1; done';

describe("startRun", () => {
  it("runs in its own group with stdin from /dev/null and collects both streams", async () => {
    const run = bash(
      'echo out; echo err >&2; readlink /proc/$$/fd/0; [ "$(ps -o pgid= $$)" -eq $$ ] && echo leader; exit 3',
    );
    const result = await run.result;
    expect(result).toEqual({
      exit: { code: 3, signal: null },
      exitCode: 3,
      reason: "exited",
      stdout: "out\n/dev/null\nleader\n",
      stderr: "err\n",
    });
    expect(run.reason).toBe("exited");
    expect(isGone(run.pid)).toBe(true);
  });

  it("passes extra environment over the inherited one", async () => {
    const run = bash('printf "%s|%s" "$BORIS_TEST_EXTRA" "$HOME"', { env: { BORIS_TEST_EXTRA: "x y" } });
    expect((await run.result).stdout).toBe(`x y|${process.env.HOME}`);
  });

  it("throws SpawnError when the command cannot start", () => {
    expect(() => startRun("boris-no-such-binary", [], { cwd })).toThrow(SpawnError);
  });

  it("returns when the leader exits although a child holds the pipes; the pipes keep flowing", async () => {
    const done = join(dir, "flowed");
    // After the result, the child writes 1 MB: far more than a pipe holds, so it finishes only if
    // someone keeps reading.
    const run = bash(`(sleep 0.3; head -c 1000000 /dev/zero; echo ok > ${done}; sleep 1000) & echo $!`, {
      drainMs: 50,
    });
    const result = await run.result;
    const [child] = await readPids(() => result.stdout, 1);
    expect(isRunning(child!)).toBe(true);
    expect(await waitFor(() => readFileSync(done, { flag: "a+" }).toString() === "ok\n")).toBe(true);
    // The result was final: nothing the child wrote afterwards got in.
    expect(run.stdout.toString()).toBe(result.stdout);
    await run.kill();
    expect(isRunning(child!)).toBe(false);
  });

  it("keeps output printed right before the leader exits", async () => {
    // 200 kB is several pipe buffers: most of it is still unread when the leader is reaped.
    const result = await bash("head -c 200000 /dev/zero | tr '\\0' x; echo END").result;
    expect(result.stdout.length).toBe(200_004);
    expect(result.stdout.endsWith("xxEND\n")).toBe(true);
  });

  it("keeps output a child writes after the leader exited, within the drain window", async () => {
    const result = await bash("(sleep 0.2; echo late) & echo early", { drainMs: 10_000 }).result;
    // The child closed the pipe after writing, so the drain ended early and nothing was lost.
    expect(result.stdout).toBe("early\nlate\n");
  });

  it("without drainMs reads until every writer closed the pipes", async () => {
    const result = await bash("(sleep 0.3; echo late) & echo early", { drainMs: undefined }).result;
    expect(result.stdout).toBe("early\nlate\n");
  });

  it("reads every pipe into one reused buffer and hands each chunk to onOutput", async () => {
    const seen = new Map<string, Set<ArrayBufferLike>>([
      ["stdout", new Set()],
      ["stderr", new Set()],
    ]);
    let bytes = 0;
    const run = bash("head -c 5000000 /dev/zero; echo e >&2", {
      outputLimit: 0,
      onOutput: (stream, chunk) => {
        seen.get(stream)!.add(chunk.buffer);
        if (stream === "stdout") bytes += chunk.length;
      },
    });
    const result = await run.result;
    expect(bytes).toBe(5_000_000);
    // Without outputLimit nothing is kept.
    expect(result.stdout).toBe("");
    // Dozens of reads, one memory: a fresh buffer per read is what made floods cost ~60 MB.
    expect(seen.get("stdout")!.size).toBe(1);
    expect(seen.get("stderr")!.size).toBe(1);
  });

  it("writes fd3Input to the command's fd 3 and closes it; stdin stays /dev/null", async () => {
    const input = "x".repeat(300_000);
    const result = await bash("wc -c <&3; readlink /proc/$$/fd/0; exec 3<&-; cat", { fd3Input: input })
      .result;
    expect(result.stdout).toBe("300000\n/dev/null\n");
  });

  it("lets wrap rewrite the command before it is spawned", async () => {
    const result = await bash('echo "$BORIS_WRAPPED"', {
      wrap: (command) => ({ file: "env", args: ["BORIS_WRAPPED=yes", command.file, ...command.args] }),
    }).result;
    expect(result.stdout).toBe("yes\n");
  });
});

describe("ending a run", () => {
  it("times out: TERM to the group, reason timeout, result once the group is gone", async () => {
    const run = bash("sleep 1000 & echo $!; wait", { timeoutMs: 200 });
    const [child] = await readPids(() => run.stdout.toString(), 1);
    const result = await run.result;
    expect(result.reason).toBe("timeout");
    expect(result.exit).toEqual({ code: null, signal: "SIGTERM" });
    expect(result.exitCode).toBe(143);
    expect(isRunning(child!)).toBe(false);
  });

  it("KILLs after the grace what ignores TERM", async () => {
    const run = bash(TRAP_TERM, { timeoutMs: 200, graceMs: 300 });
    const result = await run.result;
    expect(result.reason).toBe("timeout");
    expect(result.exit.signal).toBe("SIGKILL");
    expect(result.stdout).toBe("ready\n");
  });

  it("is cancelled by its AbortSignal, also one aborted before the start", async () => {
    const controller = new AbortController();
    const run = bash("echo started; sleep 1000", { signal: controller.signal });
    await waitFor(() => run.stdout.toString() === "started\n");
    controller.abort();
    expect((await run.result).reason).toBe("cancelled");
    const early = bash("sleep 1000", { signal: AbortSignal.abort() });
    expect((await early.result).reason).toBe("cancelled");
    expect(isGone(early.pid)).toBe(true);
  });

  it("records the first reason only while the leader runs", async () => {
    const run = bash("sleep 1000");
    await Promise.all([run.kill("session-closed"), run.kill("cancelled")]);
    expect((await run.result).reason).toBe("session-closed");
    const exited = bash("sleep 1000 & echo $!", { drainMs: 50 });
    const [child] = await readPids(() => exited.stdout.toString(), 1);
    await exited.result;
    // After the leader exited, kill() only ends what it left in its group.
    await exited.kill("killed");
    expect(exited.reason).toBe("exited");
    expect(isRunning(child!)).toBe(false);
  });

  it("a throwing onOutput kills the run and rejects its result", async () => {
    const failure = new Error("consumer failed");
    const run = bash("yes", {
      onOutput: () => {
        throw failure;
      },
    });
    await expect(run.result).rejects.toBe(failure);
    expect(run.reason).toBe("killed");
    expect(isGone(run.pid)).toBe(true);
  });

  it("closeOutput makes a writer fail instead of blocking", async () => {
    const status = join(dir, "yes-status");
    const run = bash(`yes; echo $? > ${status}`, { outputLimit: 0, drainMs: undefined });
    await waitFor(() => run.stdout.totalLength > 0 || procStat(run.pid) !== undefined);
    run.closeOutput();
    const result = await run.result;
    // `yes` never ends by itself: it ended because its writes failed, by SIGPIPE (141) or, when our
    // end was closed with data still unread, ECONNRESET (1); nothing killed it.
    expect(result.reason).toBe("exited");
    expect(["141\n", "1\n"]).toContain(readFileSync(status, "utf8"));
  });
});
