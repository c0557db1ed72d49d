import { DEFAULT_GRACE_MS } from "../group/terminate.js";
import type { KillTally } from "../kill-tally.js";
import { pollUntil } from "../os/poll.js";
import { readStat } from "../os/proc.js";
import { signalPid } from "../os/signal.js";
import type { Marker } from "../types.js";
import { markedPids, processIdentity } from "./marker.js";

export interface TerminateMarkedOptions {
  /** Time between SIGTERM and SIGKILL, ms. Default DEFAULT_GRACE_MS. */
  readonly graceMs?: number;
  /** Process groups being terminated as groups: their members get their group's TERM, not a second one. */
  readonly exceptGroups?: ReadonlySet<number>;
  /** Counts the processes signalled (kill path `marker`). */
  readonly tally?: KillTally;
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
  options.tally?.claim("marker", targets.keys());
  for (const pid of targets.keys()) {
    signalPid(pid, "SIGTERM");
    // A stopped process cannot act on TERM until it is continued.
    signalPid(pid, "SIGCONT");
  }
  const alive = () => [...targets].filter(([pid, identity]) => processIdentity(pid) === identity);
  if (await pollUntil(() => alive().length === 0, graceMs)) return;
  for (let round = 0; round < 4; round++) {
    for (const [pid] of alive()) signalPid(pid, "SIGKILL");
    if (await pollUntil(() => alive().length === 0, 500)) return;
  }
}
