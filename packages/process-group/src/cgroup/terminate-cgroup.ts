import { DEFAULT_GRACE_MS } from "../group/terminate.js";
import type { KillTally } from "../kill-tally.js";
import { carriesMarker, processIdentity } from "../marker/marker.js";
import { pollUntil } from "../os/poll.js";
import { readStat } from "../os/proc.js";
import { signalPid } from "../os/signal.js";
import type { Marker } from "../types.js";
import type { Cgroup } from "./cgroup.js";

/** How long a cgroup.kill waits for the cgroup to empty: a process in uninterruptible sleep may never go. */
export const CGROUP_KILL_WAIT_MS = 2000;

export interface TerminateCgroupOptions {
  /** How long the processes get to act on TERM, ms. Default DEFAULT_GRACE_MS. */
  readonly graceMs?: number;
  /** Process groups terminated as groups: their members get their group's TERM, not a second one. */
  readonly exceptGroups?: ReadonlySet<number>;
  /** Processes carrying it get the marker sweep's TERM, not a second one. */
  readonly exceptMarker?: Marker;
  /** Counts the processes signalled (kill path `cgroup`). */
  readonly tally?: KillTally;
}

/**
 * SIGTERM (and SIGCONT) now to every process in `cgroup` that neither sits in one of
 * `exceptGroups` nor carries `exceptMarker` — what only the cgroup can see: daemons that cleared or
 * overwrote their environment — and resolves once those are gone or the grace is over. It sends no
 * KILL: `killCgroup`, once every other way of ending the session's processes had its grace, ends
 * whatever is left (a KILL now would cut the grace of the processes other paths are ending).
 */
export async function terminateCgroup(cgroup: Cgroup, options: TerminateCgroupOptions = {}): Promise<void> {
  const { exceptGroups, exceptMarker } = options;
  const targets = new Map<number, string>();
  for (const pid of cgroup.pids()) {
    const pgrp = readStat(pid)?.pgrp;
    if (pgrp !== undefined && exceptGroups?.has(pgrp)) continue;
    if (exceptMarker && carriesMarker(pid, exceptMarker)) continue;
    const identity = processIdentity(pid);
    if (identity !== undefined) targets.set(pid, identity);
  }
  if (targets.size === 0) return;
  options.tally?.claim("cgroup", targets.keys());
  for (const pid of targets.keys()) {
    signalPid(pid, "SIGTERM");
    // A stopped process cannot act on TERM until it is continued.
    signalPid(pid, "SIGCONT");
  }
  const gone = () => [...targets].every(([pid, identity]) => processIdentity(pid) !== identity);
  await pollUntil(gone, options.graceMs ?? DEFAULT_GRACE_MS);
}

/**
 * SIGKILLs everything in `cgroup` and below at once (`cgroup.kill`: the kernel signals every member,
 * including one forked meanwhile) and resolves true once it is empty, false when something is still
 * there after `waitMs` (uninterruptible sleep) or the cgroup cannot be killed.
 */
export async function killCgroup(
  cgroup: Cgroup,
  options: { readonly tally?: KillTally; readonly waitMs?: number } = {},
): Promise<boolean> {
  if (!cgroup.populated()) return true;
  options.tally?.claim("cgroup", cgroup.pids());
  if (!cgroup.kill()) return !cgroup.populated();
  return cgroup.waitEmpty(options.waitMs ?? CGROUP_KILL_WAIT_MS);
}
