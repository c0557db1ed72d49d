import { existsSync, type Stats } from "node:fs";
import { readlink } from "node:fs/promises";

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

/**
 * The real path of what `fd` refers to, or undefined where /proc/self/fd is not available. A file
 * unlinked while open (`stats.nlink === 0`) keeps the path it had, without the kernel's suffix.
 */
export async function realPathOfFd(fd: number, stats: Stats): Promise<string | undefined> {
  if (!hasProcFd) return undefined;
  const link = await readlink(fdPath(fd));
  return stats.nlink === 0 && link.endsWith(DELETED) ? link.slice(0, -DELETED.length) : link;
}
