import { existsSync, lstatSync, readlinkSync, type Stats } from "node:fs";

/**
 * Linux shows every open descriptor as a "magic" link under /proc/self/fd: reading the link gives
 * the opened object's current path, and a path that goes through it reaches the opened object
 * itself, as openat() would — whatever has since been renamed or swapped on the way there.
 */
const PROC_FD = "/proc/self/fd";

/** Whether /proc/self/fd works here (Linux with /proc mounted); elsewhere paths are used as checked. */
export const hasProcFd: boolean = existsSync(PROC_FD);

/** The path of an open descriptor (only meaningful where `hasProcFd`). */
export function fdPath(fd: number): string {
  return `${PROC_FD}/${fd}`;
}

/** What the kernel appends to the link of a descriptor whose file has been unlinked. */
const DELETED = " (deleted)";

/** Whether `path` names the object `stats` describes (false when it names nothing or another). */
function names(path: string, stats: Stats): boolean {
  try {
    const named = lstatSync(path);
    return named.ino === stats.ino && named.dev === stats.dev;
  } catch {
    return false;
  }
}

/**
 * The real path of what `fd` refers to, or undefined where /proc/self/fd is not available. A file
 * whose name went away while it was open keeps the path it had, without the kernel's suffix: one
 * unlinked (`stats.nlink === 0`), and one another file was renamed over while a hard link keeps it
 * (a name that really ends in the suffix still names the object, and is kept).
 * Synchronous: the kernel builds the link's text from the open file in memory (no I/O), so a
 * thread-pool round trip would cost many times the call.
 */
export function realPathOfFd(fd: number, stats: Stats): string | undefined {
  if (!hasProcFd) return undefined;
  const link = readlinkSync(fdPath(fd));
  if (!link.endsWith(DELETED)) return link;
  if (stats.nlink > 0 && names(link, stats)) return link;
  return link.slice(0, -DELETED.length);
}
