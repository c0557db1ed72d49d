import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { Leftovers } from "./cleanup.js";
import { readPids } from "./pids.js";
import { groupEntries, isGone, isRunning, isStillRunning, liveGroupMembers, procStat } from "./processes.js";
import { waitFor } from "./wait.js";

const leftovers = new Leftovers();
afterEach(() => leftovers.cleanup());

/**
 * `sh` as the leader of a new group that execs `sleep`, with a child that exits only after that exec:
 * `sleep` never reaps, so the child stays a zombie.
 */
async function shellWithZombie(): Promise<{ child: ChildProcess; zombie: number }> {
  const script = '(while [ "$(cat /proc/$$/comm)" != sleep ]; do sleep 0.01; done) & echo $!; exec sleep 300';
  const child = spawn("sh", ["-c", script], {
    detached: true,
    stdio: ["ignore", "pipe", "ignore"],
  });
  leftovers.group(child.pid!);
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  const [zombie] = await readPids(() => out, 1);
  expect(await waitFor(() => procStat(zombie!)?.state === "Z")).toBe(true);
  return { child, zombie: zombie! };
}

describe("procStat", () => {
  it("reads the group, session, parent and start time of a process", async () => {
    const { child } = await shellWithZombie();
    const s = procStat(child.pid!);
    expect(s).toMatchObject({ ppid: process.pid, pgrp: child.pid, session: child.pid });
    expect(s?.startTime).toMatch(/^\d+$/);
    expect(procStat(process.pid)?.pgrp).not.toBe(child.pid);
  });

  it("is undefined once the process is reaped", async () => {
    const child = spawn("true");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(procStat(child.pid!)).toBeUndefined();
  });
});

describe("isRunning and isGone", () => {
  it("count a zombie as not running but not gone either", async () => {
    const { child, zombie } = await shellWithZombie();
    expect(isRunning(child.pid!)).toBe(true);
    expect(isGone(child.pid!)).toBe(false);
    expect(isRunning(zombie)).toBe(false);
    expect(isGone(zombie)).toBe(false);
  });

  it("count a killed and reaped process as both not running and gone", async () => {
    const { child } = await shellWithZombie();
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    expect(isRunning(child.pid!)).toBe(false);
    expect(isGone(child.pid!)).toBe(true);
  });
});

describe("groupEntries", () => {
  it("lists every member of a group, zombies included", async () => {
    const { child, zombie } = await shellWithZombie();
    expect(groupEntries(child.pid!).sort((a, b) => a - b)).toEqual(
      [child.pid!, zombie].sort((a, b) => a - b),
    );
  });
});

describe("liveGroupMembers and isStillRunning", () => {
  it("list the live members of a group without its zombies, by pid and start time", async () => {
    const { child, zombie } = await shellWithZombie();
    const members = liveGroupMembers(child.pid!);
    expect(members).toEqual([{ pid: child.pid!, startTime: procStat(child.pid!)!.startTime }]);
    expect(members.map((m) => m.pid)).not.toContain(zombie);
    expect(isStillRunning(members[0]!)).toBe(true);
    // Another start time is another process, even under the same pid.
    expect(isStillRunning({ pid: child.pid!, startTime: "1" })).toBe(false);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid!, "SIGKILL");
    await exited;
    expect(isStillRunning(members[0]!)).toBe(false);
    expect(liveGroupMembers(child.pid!)).toEqual([]);
  });
});
