import { setTimeout as sleep } from "node:timers/promises";
import { hasProcfs, listPids, readStat } from "./proc.js";
import type { ProcessGroup, TerminateOptions } from "./types.js";

export const DEFAULT_GRACE_MS = 5000;
const KILL_WAIT_ROUNDS = 4;

/** Sends `signal` to every process of group `pgid`. False when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether any live process is still in group `pgid`. Zombies do not count: a container's init may
 * never reap orphans, and a zombie can neither run nor be killed.
 */
export function isGroupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  if (!hasProcfs) return true;
  for (const pid of listPids()) {
    const stat = readStat(pid);
    if (stat && stat.pgrp === pgid && stat.state !== "Z" && stat.state !== "X") return true;
  }
  return false;
}

async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    if (!isGroupAlive(pgid)) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 50);
  }
}

/**
 * Whether the number of a group whose leader we already reaped now belongs to someone else. While
 * any member of our group lives, the kernel keeps its pgid allocated; once the group is empty the
 * number can be reused, and a process with pid == pgid is then a stranger (ours is reaped).
 */
function pgidReused(group: ProcessGroup): boolean {
  if (!group.exitInfo) return false;
  try {
    process.kill(group.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * SIGTERM to the whole group, SIGKILL to whatever is left after `graceMs`; resolves once no live
 * process of the group remains (or, for an unkillable process in uninterruptible sleep, ~2 s
 * after SIGKILL). A group that is already gone is a no-op. Given a ProcessGroup
 * (rather than a number) whose leader has exited, it also refuses a pgid that was reused since.
 */
export async function terminate(group: ProcessGroup | number, options: TerminateOptions = {}): Promise<void> {
  const pgid = typeof group === "number" ? group : group.pgid;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  if (typeof group !== "number" && pgidReused(group)) return;
  if (!isGroupAlive(pgid)) return;
  signalGroup(pgid, "SIGTERM");
  // A stopped process cannot act on TERM until it is continued.
  signalGroup(pgid, "SIGCONT");
  if (await waitForGroupExit(pgid, graceMs)) return;
  // SIGKILL cannot be caught, but a process in uninterruptible sleep (stuck NFS, a dying disk)
  // dies only when the kernel lets it: give up waiting after a bound so close and shutdown never hang.
  for (let i = 0; i < KILL_WAIT_ROUNDS; i++) {
    signalGroup(pgid, "SIGKILL");
    if (await waitForGroupExit(pgid, 500)) return;
  }
}
