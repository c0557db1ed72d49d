// Finding processes by what their environment carries (/proc/<pid>/environ): the way to find every
// process a server or a session started, including the ones that left their process group.
//
// This reads /proc itself rather than use @boris-mcp/process-group's parser (environValues): it is the
// tests' independent look at the OS, and process-group's own tests depend on this package. It follows
// the same rule for a variable that an environment repeats: every value counts.
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

/**
 * Every running process in the system with a BORIS_SESSION marker, once per value it carries (an
 * environment may repeat the variable).
 */
export function markedProcesses(): MarkedProcess[] {
  const prefix = `${SESSION_MARKER}=`;
  const found: MarkedProcess[] = [];
  for (const { pid, environ } of otherProcesses()) {
    const values = environ.filter((e) => e.startsWith(prefix)).map((e) => e.slice(prefix.length));
    if (values.length === 0 || !isRunning(pid)) continue;
    for (const marker of new Set(values)) found.push({ pid, marker });
  }
  return found;
}

/** Pids of the running processes with a BORIS_SESSION value that starts with `markerValuePrefix` (all when empty). */
export function markedPids(markerValuePrefix = ""): number[] {
  const pids = markedProcesses()
    .filter((p) => p.marker.startsWith(markerValuePrefix))
    .map((p) => p.pid);
  return [...new Set(pids)];
}

/** The (first, as getenv reads it) BORIS_SESSION value of `pid`, undefined when it has none or is gone. */
export function markerOf(pid: number): string | undefined {
  const prefix = `${SESSION_MARKER}=`;
  return environOf(pid)
    ?.find((e) => e.startsWith(prefix))
    ?.slice(prefix.length);
}
