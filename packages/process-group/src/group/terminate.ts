import { pollUntil } from "../os/poll.js";
import { hasProcfs, listPids, readStat } from "../os/proc.js";
import { sendSignal } from "../os/signal.js";
import type { ProcessGroup, TerminateOptions } from "../types.js";

export const DEFAULT_GRACE_MS = 5000;
const KILL_WAIT_ROUNDS = 4;

/** Sends `signal` to every process of group `pgid`. False when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  return sendSignal(-pgid, signal);
}

interface GroupScan {
  readonly at: number;
  /** How long it is reused: a few times what it cost, so scanning takes a bounded share of the CPU. */
  readonly reuseMs: number;
  /** Groups that had at least one process (zombies included) when the scan ran. */
  readonly seen: Set<number>;
  /** Groups that had a live (non-zombie) process. */
  readonly live: Set<number>;
}

let lastScan: GroupScan | undefined;

/**
 * One pass over /proc, shared by every caller for a while: a shutdown that terminates hundreds of
 * groups in parallel polls each of them, and a pass per poll per group (O(groups × processes))
 * kept the event loop so busy that grace periods ran seconds late. Reusing a scan only delays
 * noticing that a group died; a group the scan saw without live members cannot come back, and a
 * group it did not see at all (newer than the scan) gets a fresh scan.
 */
function scanGroups(pgid: number): GroupScan {
  const now = performance.now();
  if (lastScan && now - lastScan.at < lastScan.reuseMs && lastScan.seen.has(pgid)) return lastScan;
  const seen = new Set<number>();
  const live = new Set<number>();
  for (const pid of listPids()) {
    const stat = readStat(pid);
    if (!stat) continue;
    seen.add(stat.pgrp);
    if (stat.state !== "Z" && stat.state !== "X") live.add(stat.pgrp);
  }
  const cost = performance.now() - now;
  lastScan = { at: now, reuseMs: Math.max(10, 4 * cost), seen, live };
  return lastScan;
}

/**
 * Whether any live process is still in group `pgid`. Zombies do not count: a container's init may
 * never reap orphans, and a zombie can neither run nor be killed.
 */
export function isGroupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  if (!hasProcfs) return true;
  // The usual case, a live leader, needs no scan of every process.
  const leader = readStat(pgid);
  if (leader && leader.pgrp === pgid && leader.state !== "Z" && leader.state !== "X") return true;
  return scanGroups(pgid).live.has(pgid);
}

/** Live members of group `pgid` (one pass over /proc; empty without it). */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const pid of listPids()) {
    const stat = readStat(pid);
    if (stat?.pgrp === pgid && stat.state !== "Z" && stat.state !== "X") members.push(pid);
  }
  return members;
}

function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  return pollUntil(() => !isGroupAlive(pgid), timeoutMs);
}

/**
 * Whether the number of a group whose leader we already reaped now belongs to someone else. While
 * any member of our group lives, the kernel keeps its pgid allocated; once the group is empty the
 * number can be reused, and a process with pid == pgid is then a stranger (ours is reaped).
 */
export function pgidReused(group: ProcessGroup): boolean {
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
 * With a `tally`, the members are counted (`group`) when TERM and KILL are sent.
 */
export async function terminate(group: ProcessGroup | number, options: TerminateOptions = {}): Promise<void> {
  const pgid = typeof group === "number" ? group : group.pgid;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  if (typeof group !== "number" && pgidReused(group)) return;
  if (!isGroupAlive(pgid)) return;
  const { tally } = options;
  tally?.claim("group", groupMembers(pgid));
  signalGroup(pgid, "SIGTERM");
  // A stopped process cannot act on TERM until it is continued.
  signalGroup(pgid, "SIGCONT");
  if (await waitForGroupExit(pgid, graceMs)) return;
  // SIGKILL cannot be caught, but a process in uninterruptible sleep (stuck NFS, a dying disk)
  // dies only when the kernel lets it: give up waiting after a bound so close and shutdown never hang.
  for (let i = 0; i < KILL_WAIT_ROUNDS; i++) {
    // Forked during the grace: not seen at the TERM.
    if (i === 0) tally?.claim("group", groupMembers(pgid));
    signalGroup(pgid, "SIGKILL");
    if (await waitForGroupExit(pgid, 500)) return;
  }
}
