import { setTimeout as sleep } from "node:timers/promises";
import { environValues, liveEnvirons } from "../os/environ.js";
import { hasProcfs, readStat } from "../os/proc.js";
import type { Marker } from "../types.js";

/**
 * Pids of live processes whose environment carries `marker` (Linux: /proc/<pid>/environ; empty
 * elsewhere). Catches processes that left their group: setsid, nohup, double forks.
 */
export function findMarkedProcesses(marker: Marker): number[] {
  const found: number[] = [];
  for (const { pid, environ } of liveEnvirons()) {
    if (environValues(environ, marker.name).includes(marker.value)) found.push(pid);
  }
  return found;
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
  /** The values of the marker variable in that process's environment (usually one). */
  readonly values: readonly string[];
}

/** Every live process whose environment has a variable `name`, with its values (Linux only). */
export function listMarkedProcesses(name: string): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  for (const { pid, environ } of liveEnvirons()) {
    const values = environValues(environ, name);
    if (values.length > 0) found.push({ pid, values });
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
        for (const { pid, environ } of liveEnvirons()) {
          for (const value of environValues(environ, name)) {
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

/** Live pids carrying `marker`, from a scan shared by every caller of the same turn. */
export async function markedPids(marker: Marker): Promise<number[]> {
  return (await markedByValue(marker.name)).get(marker.value) ?? [];
}

/**
 * SIGKILLs every process carrying `marker`, rescanning until none is left (a process may fork
 * between a scan and the kill). Resolves with how many were killed. Concurrent calls share scans.
 */
export function killMarkedProcesses(marker: Marker, maxRounds = 20): Promise<number> {
  return killUntilNone(() => markedPids(marker), maxRounds);
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
