import { type KillObserver, KillTally, killUntilNone, listMarkedProcesses } from "@boris-mcp/process-group";
import { type Containment, defaultContainment } from "./containment/containment.js";
import { MARKER_NAME } from "./marker-name.js";
import { SERVER_IDENTITY, SERVER_IDENTITY_PATTERN, serverAlive } from "./server-identity.js";

export { SERVER_IDENTITY };

/** The server identity a marker value belongs to, or undefined for a value of another form. */
export function markerOwner(value: string): string | undefined {
  const dot = value.indexOf(".");
  if (dot <= 0) return undefined;
  const owner = value.slice(0, dot);
  return SERVER_IDENTITY_PATTERN.test(owner) ? owner : undefined;
}

function ownerAlive(owner: string, cache: Map<string, boolean>): boolean {
  let alive = cache.get(owner);
  if (alive === undefined) {
    alive = serverAlive(owner);
    cache.set(owner, alive);
  }
  return alive;
}

export interface SweepOptions {
  /** Whose dead servers' cgroups to sweep too (cgroup containment). Default `defaultContainment()`. */
  readonly containment?: Containment;
  /** Scans of the marker sweep at most (default 10). */
  readonly maxRounds?: number;
  /** Told how many processes were killed (kill path `orphan-sweep`). */
  readonly onKilled?: KillObserver;
}

/**
 * Kills processes left by sessions of servers that no longer exist (a server that was SIGKILLed
 * could not close its sessions): first everything in their session cgroups, which are then removed
 * (cgroup containment), then every process whose marker names a dead server. Processes and cgroups
 * of live servers — this one included — are never touched: a process whose environment names a
 * live server among its markers is left to that server. Linux only; resolves with how many
 * processes were killed.
 */
export async function sweepOrphanedProcesses(options: SweepOptions = {}): Promise<number> {
  const tally = options.onKilled && new KillTally(options.onKilled);
  const containment = options.containment ?? defaultContainment();
  const inCgroups = await containment.sweepOrphans(tally);
  const marked = await killUntilNone(
    () => {
      const owners = new Map<string, boolean>();
      return listMarkedProcesses(MARKER_NAME)
        .filter(({ values }) => {
          const known = values.map(markerOwner).filter((owner) => owner !== undefined);
          return known.length > 0 && known.every((owner) => !ownerAlive(owner, owners));
        })
        .map(({ pid }) => pid);
    },
    { maxRounds: options.maxRounds ?? 10, tally, by: "orphan-sweep" },
  );
  return inCgroups + marked;
}

/**
 * SIGKILLs, synchronously, every process any session of this server started — everything in its
 * session cgroups (one `cgroup.kill`) and everything carrying its marker: the last resort before a
 * forced exit, when an orderly close did not finish in time. Returns how many it found.
 */
export function killProcessesOfThisServer(containment: Containment = defaultContainment()): number {
  const killed = new Set(containment.killAllNow());
  for (const { pid, values } of listMarkedProcesses(MARKER_NAME)) {
    if (!values.some((value) => markerOwner(value) === SERVER_IDENTITY)) continue;
    try {
      process.kill(pid, "SIGKILL");
      killed.add(pid);
    } catch {
      // Already gone.
    }
  }
  return killed.size;
}
