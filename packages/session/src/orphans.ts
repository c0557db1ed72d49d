import { killUntilNone, listMarkedProcesses, processIdentity } from "@boris-mcp/process-group";
import { MARKER_NAME } from "./marker-name.js";

/**
 * Identity of this server process (`<pid>-<start time>`). Every session marker starts with it, so
 * after a crash the next server can tell which marked processes no live server owns.
 */
export const SERVER_IDENTITY: string = processIdentity(process.pid) ?? `${process.pid}-0`;

/** The server identity a marker value belongs to, or undefined for a value of another form. */
export function markerOwner(value: string): string | undefined {
  const dot = value.indexOf(".");
  if (dot <= 0) return undefined;
  const owner = value.slice(0, dot);
  return /^\d+-\d+$/.test(owner) ? owner : undefined;
}

function ownerAlive(owner: string, cache: Map<string, boolean>): boolean {
  let alive = cache.get(owner);
  if (alive === undefined) {
    alive = processIdentity(Number(owner.slice(0, owner.indexOf("-")))) === owner;
    cache.set(owner, alive);
  }
  return alive;
}

/**
 * Kills processes left by sessions of servers that no longer exist (a server that was SIGKILLed
 * could not close its sessions). Processes of live servers — this one included — are never
 * touched: a process whose environment names a live server among its markers is left to that
 * server. Linux only; resolves with how many processes were killed.
 */
export function sweepOrphanedProcesses(maxRounds = 10): Promise<number> {
  return killUntilNone(() => {
    const owners = new Map<string, boolean>();
    return listMarkedProcesses(MARKER_NAME)
      .filter(({ values }) => {
        const known = values.map(markerOwner).filter((owner) => owner !== undefined);
        return known.length > 0 && known.every((owner) => !ownerAlive(owner, owners));
      })
      .map(({ pid }) => pid);
  }, maxRounds);
}

/**
 * SIGKILLs, synchronously, every process any session of this server started: the last resort
 * before a forced exit, when an orderly close did not finish in time. Returns how many.
 */
export function killProcessesOfThisServer(): number {
  let killed = 0;
  for (const { pid, values } of listMarkedProcesses(MARKER_NAME)) {
    if (!values.some((value) => markerOwner(value) === SERVER_IDENTITY)) continue;
    try {
      process.kill(pid, "SIGKILL");
      killed++;
    } catch {
      // Already gone.
    }
  }
  return killed;
}
