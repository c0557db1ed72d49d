import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { hasProcfs, listPids, readStat } from "./proc.js";
import type { Marker } from "./types.js";

function environHas(environ: Buffer, entry: Buffer): boolean {
  // environ is NUL-separated; match whole entries only, so `X=ab` does not match `X=abc`.
  let at = environ.indexOf(entry);
  while (at !== -1) {
    const startsEntry = at === 0 || environ[at - 1] === 0;
    const endsEntry = at + entry.length === environ.length || environ[at + entry.length] === 0;
    if (startsEntry && endsEntry) return true;
    at = environ.indexOf(entry, at + 1);
  }
  return false;
}

/**
 * Pids of live processes whose environment carries `marker` (Linux: /proc/<pid>/environ; empty
 * elsewhere). Catches processes that left their group: setsid, nohup, double forks.
 */
export function findMarkedProcesses(marker: Marker): number[] {
  const entry = Buffer.from(`${marker.name}=${marker.value}`);
  const found: number[] = [];
  for (const { pid, environ } of liveEnvirons()) if (environHas(environ, entry)) found.push(pid);
  return found;
}

/**
 * The environment of every other live process (zombies skipped), read from /proc/<pid>/environ;
 * nothing without /proc. Processes that vanish or deny access while being read are passed over.
 */
function* liveEnvirons(): Generator<{ pid: number; environ: Buffer }> {
  if (!hasProcfs) return;
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    if (environ.length === 0) continue; // kernel threads and zombies
    const state = readStat(pid)?.state;
    if (state && state !== "Z" && state !== "X") yield { pid, environ };
  }
}

/**
 * `<pid>-<start time>` of a live process, or undefined when it is gone: unlike a bare pid it cannot
 * be confused with a later process that reuses the number. Without /proc it is `<pid>-0`.
 */
export function processIdentity(pid: number): string | undefined {
  if (!hasProcfs) return `${pid}-0`;
  const stat = readStat(pid);
  if (!stat || stat.state === "Z" || stat.state === "X") return undefined;
  return `${pid}-${stat.startTime}`;
}

export interface MarkedProcess {
  readonly pid: number;
  /** The value of the marker variable in that process's environment. */
  readonly value: string;
}

/** Every live process whose environment has a variable `name`, with its value (Linux only). */
export function listMarkedProcesses(name: string): MarkedProcess[] {
  const prefix = Buffer.from(`${name}=`);
  const found: MarkedProcess[] = [];
  for (const { pid, environ } of liveEnvirons()) {
    let at = environ.indexOf(prefix);
    while (at > 0 && environ[at - 1] !== 0) at = environ.indexOf(prefix, at + 1);
    if (at === -1) continue;
    const end = environ.indexOf(0, at);
    found.push({
      pid,
      value: environ.toString("utf8", at + prefix.length, end === -1 ? environ.length : end),
    });
  }
  return found;
}

/**
 * SIGKILLs every process carrying `marker`, rescanning until none is left (a process may fork
 * between a scan and the kill). Resolves with how many were killed.
 */
export async function killMarkedProcesses(marker: Marker, maxRounds = 20): Promise<number> {
  const killed = new Set<number>();
  for (let round = 0; round < maxRounds; round++) {
    const pids = findMarkedProcesses(marker);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
        killed.add(pid);
      } catch {
        // Already gone.
      }
    }
    await sleep(round < 3 ? 5 : 25);
  }
  return killed.size;
}
