import { setTimeout as sleep } from "node:timers/promises";
import type { Cgroup } from "../cgroup/cgroup.js";
import type { KillTally } from "../kill-tally.js";
import { markedPids } from "../marker/marker.js";
import type { Marker, ProcessGroup } from "../types.js";
import { groupMembers, isGroupAlive, pgidReused, signalGroup } from "./terminate.js";

export interface KillNowTargets {
  readonly groups?: readonly ProcessGroup[];
  /** Every process carrying it, wherever it is. */
  readonly marker?: Marker;
  /** Every process in it, whatever its environment (cgroup.kill). */
  readonly cgroup?: Cgroup;
  /** Counts the processes signalled, by the path that reached them. */
  readonly tally?: KillTally;
}

/** Rounds of SIGKILL and rescan: a process may fork between a scan and the kill. */
const MAX_ROUNDS = 40;

/**
 * SIGKILLs the groups, every marked process and the cgroup at once, no grace, and again until a
 * fresh look finds none alive; resolves then (or after a bound, for a process in uninterruptible
 * sleep). For a second termination signal during an orderly close: the client is about to kill the
 * server.
 */
export async function killNow(targets: KillNowTargets): Promise<void> {
  const { tally, cgroup } = targets;
  const groups = (targets.groups ?? []).filter((group) => !pgidReused(group));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let found = 0;
    for (const group of groups) {
      if (!isGroupAlive(group.pgid)) continue;
      tally?.claim("group", groupMembers(group.pgid));
      signalGroup(group.pgid, "SIGKILL");
      found++;
    }
    const marked = targets.marker ? await markedPids(targets.marker) : [];
    tally?.claim("marker", marked);
    for (const pid of marked) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone meanwhile.
      }
      found++;
    }
    if (cgroup?.populated()) {
      tally?.claim("cgroup", cgroup.pids());
      if (cgroup.kill()) found++;
    }
    if (found === 0) return;
    await sleep(round < 3 ? 5 : 25);
  }
}
