import { readFileSync } from "node:fs";

/** The current parent pid. `process.ppid` is fixed at start-up in Node 20, so read it from /proc. */
export function currentParentPid(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ppid = Number(fields[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined; // no /proc (macOS …): fall back to probing the original parent
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface ParentWatchOptions {
  /** Poll spacing; the parent's death is noticed within about this long. */
  readonly intervalMs?: number;
  /** The parent at start-up (process.ppid). */
  readonly parentPid?: number;
}

/**
 * Calls `onGone` once when the process that started us is gone: we were re-parented (Linux) or the
 * original parent no longer exists. A client killed with SIGKILL may leave our stdin open (another
 * process holds the pipe), so stdin EOF alone cannot be trusted. The timer is unref'd: it never
 * keeps the process alive by itself. Returns a function that stops watching.
 */
export function watchParent(onGone: () => void, options: ParentWatchOptions = {}): () => void {
  const parent = options.parentPid ?? process.ppid;
  // Started by init (or a reaper acting as it): there is no client process to outlive.
  if (parent <= 1) return () => {};
  const timer = setInterval(() => {
    const now = currentParentPid();
    const gone = now !== undefined ? now !== parent : !isRunning(parent);
    if (gone) {
      clearInterval(timer);
      onGone();
    }
  }, options.intervalMs ?? 500);
  timer.unref();
  return () => clearInterval(timer);
}
