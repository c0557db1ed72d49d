// Clean-up after a test, whatever its outcome: a failing test must not leave processes behind.

/** SIGKILLs `pid` (a negative pid: the whole group), ignoring a process that is already gone. */
export function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** SIGKILLs whatever of `pids` is still there. */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) killQuietly(pid);
}

/** Records pids and groups to SIGKILL after a test (call `cleanup()` in afterEach). */
export class Leftovers {
  private readonly pids = new Set<number>();
  private readonly groups = new Set<number>();

  pid(pid: number): number {
    this.pids.add(pid);
    return pid;
  }

  group(pgid: number): number {
    this.groups.add(pgid);
    return pgid;
  }

  cleanup(): void {
    // pid 0 and 1 (and their negatives) would signal our own group or every process we may signal.
    for (const pgid of this.groups) if (pgid > 1) killQuietly(-pgid);
    for (const pid of this.pids) if (pid > 1) killQuietly(pid);
    this.pids.clear();
    this.groups.clear();
  }
}
