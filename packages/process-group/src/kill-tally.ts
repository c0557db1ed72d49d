/**
 * How a process was reached when it was ended: through its command's process group, the session's
 * environment marker, the session's cgroup, or the start-up sweep of what dead servers left.
 */
export type KillPath = "group" | "marker" | "cgroup" | "orphan-sweep";

/** Told how many processes a kill path signalled (a counter's `inc(by, count)`). Must not throw. */
export type KillObserver = (by: KillPath, count: number) => void;

/**
 * Counts the processes each kill path signals during one operation (a close, a timeout, a sweep),
 * each process once: the path that reached it first gets it. The paths are built not to overlap
 * (the marker spares the groups' members, the cgroup spares both), so "first" only matters for
 * a process several of them saw, such as one forked during the grace.
 */
export class KillTally {
  private readonly claimed = new Set<number>();

  constructor(private readonly observer: KillObserver) {}

  /** Records that `by` signalled `pids`; reports those no earlier claim had. Returns how many. */
  claim(by: KillPath, pids: Iterable<number>): number {
    let fresh = 0;
    for (const pid of pids) {
      if (this.claimed.has(pid)) continue;
      this.claimed.add(pid);
      fresh++;
    }
    if (fresh > 0) {
      try {
        this.observer(by, fresh);
      } catch {
        // Counting must never stand in the way of killing.
      }
    }
    return fresh;
  }
}
