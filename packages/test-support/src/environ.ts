// Finding processes by what their environment carries (/proc/<pid>/environ): the way to find every
// process a server or a session started, including the ones that left their process group.
import { readdirSync, readFileSync } from "node:fs";
import { isRunning } from "./processes.js";

/** The environment variable every process a Boris session starts carries (SPEC §2). */
export const SESSION_MARKER = "BORIS_SESSION";

/** The NAME=value entries of `pid`'s environment; undefined when it is gone or not ours to read. */
function environOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
  } catch {
    return undefined;
  }
}

/** Running pids other than this test process, each with its environment. */
function* otherProcesses(): Generator<{ pid: number; environ: string[] }> {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    // The test process itself may carry a marker (e.g. tests run from a Boris shell): never count it.
    if (pid === process.pid) continue;
    const environ = environOf(pid);
    if (environ !== undefined) yield { pid, environ };
  }
}

/** Running processes whose environment has the exact entry `entry` (e.g. `E2E_RUN=<random>`). */
export function processesWithEnv(entry: string): number[] {
  const pids: number[] = [];
  for (const { pid, environ } of otherProcesses()) {
    if (environ.includes(entry) && isRunning(pid)) pids.push(pid);
  }
  return pids;
}

export interface MarkedProcess {
  readonly pid: number;
  /** Value of BORIS_SESSION: `<server identity>.<session id>`. */
  readonly marker: string;
}

/** Every running process in the system with a BORIS_SESSION marker. */
export function markedProcesses(): MarkedProcess[] {
  const prefix = `${SESSION_MARKER}=`;
  const found: MarkedProcess[] = [];
  for (const { pid, environ } of otherProcesses()) {
    const entry = environ.find((e) => e.startsWith(prefix));
    if (entry !== undefined && isRunning(pid)) found.push({ pid, marker: entry.slice(prefix.length) });
  }
  return found;
}

/** Pids of the running processes whose BORIS_SESSION value starts with `markerValuePrefix` (all when empty). */
export function markedPids(markerValuePrefix = ""): number[] {
  return markedProcesses()
    .filter((p) => p.marker.startsWith(markerValuePrefix))
    .map((p) => p.pid);
}

/** The BORIS_SESSION value in the environment of `pid`, undefined when it has none or is gone. */
export function markerOf(pid: number): string | undefined {
  const prefix = `${SESSION_MARKER}=`;
  return environOf(pid)
    ?.find((e) => e.startsWith(prefix))
    ?.slice(prefix.length);
}
