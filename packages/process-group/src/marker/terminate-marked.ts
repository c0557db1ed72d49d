import { setTimeout as sleep } from "node:timers/promises";
import { DEFAULT_GRACE_MS } from "../group/terminate.js";
import { readStat } from "../os/proc.js";
import type { Marker } from "../types.js";
import { markedPids, processIdentity } from "./marker.js";

export interface TerminateMarkedOptions {
  /** Time between SIGTERM and SIGKILL, ms. Default DEFAULT_GRACE_MS. */
  readonly graceMs?: number;
  /** Process groups being terminated as groups: their members get their group's TERM, not a second one. */
  readonly exceptGroups?: ReadonlySet<number>;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Gone meanwhile.
  }
}

/**
 * SIGTERM (and SIGCONT) now to every process carrying `marker` that is not in one of
 * `exceptGroups` — daemons that left their group (`setsid`, `setpgid`, double forks) — and SIGKILL
 * to those still alive once `graceMs` is over. Resolves when they are gone (KILL is not waited for
 * past a bound: a process in uninterruptible sleep dies when the kernel lets it). Processes that
 * appear after the scan are not covered: a final killMarkedProcesses is the caller's.
 */
export async function terminateMarked(marker: Marker, options: TerminateMarkedOptions = {}): Promise<void> {
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const except = options.exceptGroups;
  const targets = new Map<number, string>();
  for (const pid of await markedPids(marker)) {
    const pgrp = readStat(pid)?.pgrp;
    const identity = processIdentity(pid);
    if (identity === undefined || (pgrp !== undefined && except?.has(pgrp))) continue;
    targets.set(pid, identity);
  }
  if (targets.size === 0) return;
  for (const pid of targets.keys()) {
    signal(pid, "SIGTERM");
    // A stopped process cannot act on TERM until it is continued.
    signal(pid, "SIGCONT");
  }
  const alive = () => [...targets].filter(([pid, identity]) => processIdentity(pid) === identity);
  if (await waitUntilGone(alive, graceMs)) return;
  for (let round = 0; round < 4; round++) {
    for (const [pid] of alive()) signal(pid, "SIGKILL");
    if (await waitUntilGone(alive, 500)) return;
  }
}

async function waitUntilGone(alive: () => unknown[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    if (alive().length === 0) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 50);
  }
}
