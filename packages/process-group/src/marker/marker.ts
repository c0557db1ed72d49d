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

/** Scans asked for in the same turn of the event loop, by variable name: one pass serves them all. */
const pendingScans = new Map<string, Promise<Map<string, number[]>>>();

/**
 * Pids by value of the variable `name`, from one pass over /proc made after the call and shared
 * by every caller of the same turn: a server closing all its sessions at once would otherwise read
 * every process's environment once per session, and the shutdown would overrun its deadline.
 */
function markedByValue(name: string): Promise<Map<string, number[]>> {
  let scan = pendingScans.get(name);
  if (!scan) {
    scan = new Promise((resolve) => {
      setImmediate(() => {
        pendingScans.delete(name);
        const byValue = new Map<string, number[]>();
        const prefix = Buffer.from(`${name}=`);
        for (const { pid, environ } of liveEnvirons()) {
          // Every entry of the variable counts (an environment may repeat one), as in findMarkedProcesses.
          for (let at = environ.indexOf(prefix); at !== -1; at = environ.indexOf(prefix, at + 1)) {
            if (at > 0 && environ[at - 1] !== 0) continue;
            const end = environ.indexOf(0, at);
            const value = environ.toString("utf8", at + prefix.length, end === -1 ? environ.length : end);
            const pids = byValue.get(value);
            if (!pids) byValue.set(value, [pid]);
            else if (!pids.includes(pid)) pids.push(pid);
          }
        }
        resolve(byValue);
      });
    });
    pendingScans.set(name, scan);
  }
  return scan;
}

/**
 * SIGKILLs every process carrying `marker`, rescanning until none is left (a process may fork
 * between a scan and the kill). Resolves with how many were killed. Concurrent calls share scans.
 */
export function killMarkedProcesses(marker: Marker, maxRounds = 20): Promise<number> {
  return killUntilNone(async () => (await markedByValue(marker.name)).get(marker.value) ?? [], maxRounds);
}

/**
 * SIGKILLs the pids `find` returns, and asks again until it returns none (a process may fork
 * between a scan and the kill) or `maxRounds` pass. Resolves with how many distinct pids were killed.
 */
export async function killUntilNone(
  find: () => readonly number[] | Promise<readonly number[]>,
  maxRounds = 20,
): Promise<number> {
  const killed = new Set<number>();
  for (let round = 0; round < maxRounds; round++) {
    const pids = await find();
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
