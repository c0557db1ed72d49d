// Questions about processes asked of the OS (kill(pid, 0), /proc) rather than of the code under test.
import { readdirSync, readFileSync } from "node:fs";

export interface ProcStat {
  /** State letter: R, S, D, T, Z (zombie), X (dead) … */
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  /** Session id (the pid of the session leader). */
  readonly session: number;
  /** Clock ticks after boot when the process started: with the pid, a unique process identity. */
  readonly startTime: string;
}

/** Fields of /proc/<pid>/stat, undefined when there is no such entry. */
export function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself hold spaces or parentheses: fields start after the last ")".
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return {
    state: f[0] ?? "",
    ppid: Number(f[1]),
    pgrp: Number(f[2]),
    session: Number(f[3]),
    startTime: f[19] ?? "",
  };
}

/**
 * kill(pid, 0) succeeds and the process is not a zombie: a killed process whose parent has not reaped
 * it yet (this container's init never reaps) is gone for every purpose of the tests. An error other
 * than ESRCH (EPERM: the pid now belongs to someone else) is thrown, not guessed at.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw err;
  }
  const s = procStat(pid);
  return s !== undefined && s.state !== "Z" && s.state !== "X";
}

/** kill(pid, 0) fails with ESRCH: not even a zombie is left (the parent has reaped it). */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Every /proc entry (zombies included) whose stat passes `test`. */
function entriesWhere(test: (stat: ProcStat) => boolean): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = procStat(Number(name));
    if (stat && test(stat)) found.push(Number(name));
  }
  return found;
}

/** Every /proc entry (zombies included) whose process group is `pgid`. */
export function groupEntries(pgid: number): number[] {
  return entriesWhere((stat) => stat.pgrp === pgid);
}

/** Every /proc entry (zombies included) whose parent is `ppid`. */
export function childrenOf(ppid: number): number[] {
  return entriesWhere((stat) => stat.ppid === ppid);
}

/** A process by its pid and start time: unlike a bare pid, never confused with a later process. */
export interface ProcessId {
  readonly pid: number;
  readonly startTime: string;
}

/**
 * The live (non-zombie) processes of group `pgid`, each /proc entry read once: a process that exits
 * between the listing and the read is gone, not counted (reading the stat twice counted a process
 * reaped in between as alive).
 */
export function liveGroupMembers(pgid: number): ProcessId[] {
  const found: ProcessId[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(Number(name));
    if (s && s.pgrp === pgid && s.state !== "Z" && s.state !== "X") {
      found.push({ pid: Number(name), startTime: s.startTime });
    }
  }
  return found;
}

/** This very process (not a later one with its pid) exists and is not a zombie. */
export function isStillRunning(process: ProcessId): boolean {
  const s = procStat(process.pid);
  return s !== undefined && s.startTime === process.startTime && s.state !== "Z" && s.state !== "X";
}
