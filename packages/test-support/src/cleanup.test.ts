import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { killAll, Leftovers } from "./cleanup.js";
import { readPids } from "./pids.js";
import { isGone, isRunning } from "./processes.js";
import { waitFor } from "./wait.js";

describe("Leftovers", () => {
  it("SIGKILLs the recorded groups and pids, even a child that left the group", async () => {
    const child = spawn("sh", ["-c", "sleep 300 & echo $!; setsid sleep 300 & echo $!; wait"], {
      detached: true,
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
    });
    const leftovers = new Leftovers();
    leftovers.group(child.pid!);
    try {
      const [inGroup, escaped] = await readPids(() => out, 2);
      leftovers.pid(escaped!);
      expect([child.pid!, inGroup!, escaped!].every(isRunning)).toBe(true);
      leftovers.cleanup();
      expect(await waitFor(() => [child.pid!, inGroup!, escaped!].every((pid) => !isRunning(pid)))).toBe(
        true,
      );
    } finally {
      leftovers.cleanup();
    }
  });
});

describe("killAll", () => {
  it("kills what is there and passes over what is gone", async () => {
    const done = spawn("true");
    await new Promise((resolve) => done.once("exit", resolve));
    const sleeper = spawn("sleep", ["300"]);
    const exited = new Promise((resolve) => sleeper.once("exit", resolve));
    expect(isGone(done.pid!)).toBe(true);
    killAll([done.pid!, sleeper.pid!]);
    await exited;
    expect(isGone(sleeper.pid!)).toBe(true);
  });
});
