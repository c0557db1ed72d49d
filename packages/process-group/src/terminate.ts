import { setTimeout as sleep } from "node:timers/promises";
import { hasProcfs, listPids, readStat } from "./proc.js";
import type { ProcessGroup, TerminateOptions } from "./types.js";

export const DEFAULT_GRACE_MS = 5000;

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
 * SIGTERM to the whole group, SIGKILL to whatever is left after `graceMs`; resolves once no live
 * process of the group remains. A group that is already gone is a no-op.
 */
export async function terminate(group: ProcessGroup | number, options: TerminateOptions = {}): Promise<void> {
  const pgid = typeof group === "number" ? group : group.pgid;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  if (!isGroupAlive(pgid)) return;
  signalGroup(pgid, "SIGTERM");
  // A stopped process cannot act on TERM until it is continued.
  signalGroup(pgid, "SIGCONT");
  if (await waitForGroupExit(pgid, graceMs)) return;
  signalGroup(pgid, "SIGKILL");
  while (!(await waitForGroupExit(pgid, 1000))) signalGroup(pgid, "SIGKILL");
}
