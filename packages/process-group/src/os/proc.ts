import { existsSync, readdirSync, readFileSync } from "node:fs";

/** Linux with /proc mounted (a container may lack it); elsewhere the marker sweep is off. */
export const hasProcfs = process.platform === "linux" && existsSync("/proc/self/stat");

/** Numeric entries of /proc, i.e. every visible pid; empty when /proc cannot be read. */
export function listPids(): number[] {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) pids.push(Number(name));
  }
  return pids;
}

export interface ProcStat {
  readonly state: string;
  /** The parent's pid. */
  readonly ppid: number;
  readonly pgrp: number;
  /** Clock ticks after boot when the process started: with the pid, a unique process identity. */
  readonly startTime: string;
}

/** State, parent and process group of `pid` from /proc/<pid>/stat, or undefined when it is gone. */
export function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself contain spaces or parentheses.
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).split(" ");
  return {
    state: fields[0] ?? "",
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    startTime: fields[19] ?? "0",
  };
}
