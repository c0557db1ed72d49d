import { setTimeout as sleep } from "node:timers/promises";
import { markedPids } from "../marker/marker.js";
import type { Marker, ProcessGroup } from "../types.js";
import { isGroupAlive, pgidReused, signalGroup } from "./terminate.js";

export interface KillNowTargets {
  readonly groups?: readonly ProcessGroup[];
  /** Every process carrying it, wherever it is. */
  readonly marker?: Marker;
}

/** Rounds of SIGKILL and rescan: a process may fork between a scan and the kill. */
const MAX_ROUNDS = 40;

/**
 * SIGKILLs the groups and every marked process at once, no grace, and again until a fresh look
 * finds none alive; resolves then (or after a bound, for a process in uninterruptible sleep). For a
 * second termination signal during an orderly close: the client is about to kill the server.
 */
export async function killNow(targets: KillNowTargets): Promise<void> {
  const groups = (targets.groups ?? []).filter((group) => !pgidReused(group));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let found = 0;
    for (const group of groups) {
      if (!isGroupAlive(group.pgid)) continue;
      signalGroup(group.pgid, "SIGKILL");
      found++;
    }
    for (const pid of targets.marker ? await markedPids(targets.marker) : []) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone meanwhile.
      }
      found++;
    }
    if (found === 0) return;
    await sleep(round < 3 ? 5 : 25);
  }
}
