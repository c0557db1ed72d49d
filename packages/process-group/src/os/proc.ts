import { existsSync, readdirSync, readFileSync } from "node:fs";
import { constants } from "node:os";
import type { ExitInfo } from "../types.js";

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
  /**
   * The exit status as waitpid(2) gives it (code << 8, or the signal): meaningful for a zombie, 0
   * while it runs, NaN before Linux 3.5.
   */
  readonly waitStatus: number;
}

/**
 * State, parent, process group, start time and exit status of `pid` from /proc/<pid>/stat, or
 * undefined when it is gone.
 */
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
    waitStatus: Number(fields[49]),
  };
}

const signalNames = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]),
);

/** A zombie's exit from its waitStatus; undefined when the status is not an exit this decodes. */
export function exitOfWaitStatus(status: number): ExitInfo | undefined {
  if (!Number.isInteger(status) || status < 0) return undefined;
  const signal = status & 0x7f;
  if (signal === 0) return { code: (status >> 8) & 0xff, signal: null };
  const name = signalNames.get(signal);
  return name === undefined ? undefined : { code: null, signal: name };
}
