import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { startRun } from "./run.js";

/** Keeps the event loop busy, as a burst of requests, spawns or a GC pause does on a loaded server. */
function busy(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

/**
 * Runs `script` while the event loop is made busy in the worst way for output collection: the
 * shell writes and exits during a slow callback of one poll phase, its exit is reaped together with
 * another child's (whose exit handler is slow too), and its pipe is only polled in a later turn,
 * after the drain deadline has passed.
 */
async function runWhileLoopIsBusy(script: string, outputLimit = 30_000): Promise<string> {
  const run = startRun("/bin/sh", ["-c", `sleep 0.35; ${script}`], {
    cwd: tmpdir(),
    timeoutMs: 10_000,
    drainMs: 100,
    outputLimit,
  });
  const other = spawn("sleep", ["0.1"]);
  other.on("exit", () => busy(200));
  const chatty = spawn("sh", ["-c", "sleep 0.15; echo z; sleep 1"]);
  chatty.stdout.once("data", () => busy(250));
  setTimeout(() => busy(300), 0);
  try {
    return (await run.result).stdout;
  } finally {
    chatty.kill();
  }
}

describe("a run's output on a busy event loop", () => {
  it("keeps what the shell wrote just before it exited", async () => {
    for (let i = 0; i < 3; i++) expect(await runWhileLoopIsBusy("printf x")).toBe("x");
  });

  it("keeps a pipe-full of output written just before the exit, whole", async () => {
    // Just under the 64 KB a pipe holds: all of it waits in the pipe when the shell exits.
    expect(await runWhileLoopIsBusy("head -c 60000 /dev/zero | tr '\\0' y", 100_000)).toBe(
      "y".repeat(60_000),
    );
  });
});
