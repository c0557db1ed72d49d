import { constants, type Stats } from "node:fs";
import { closeFd, fstatFd, openFdNow } from "./fd-io.js";
import { realPathOfFd } from "./fd-path.js";
import type { DenialKind, PathScope, ScopedPath } from "./path-scope.js";

const { O_RDONLY, O_NONBLOCK, O_NOFOLLOW } = constants;

/**
 * How a file tool opens what it reads: read-only, without following a final symlink (the path was
 * resolved and checked; a symlink there now is a swap), and non-blocking, so a FIFO without a writer
 * or a device cannot hold a thread-pool thread in open(). O_NONBLOCK changes nothing for regular
 * files and directories. The open happens on the calling thread (`openFdNow`): it follows a path
 * that was canonicalised just before, and O_NONBLOCK means it waits for nothing.
 */
export const SCOPED_READ_FLAGS = O_RDONLY | O_NONBLOCK | O_NOFOLLOW;

/** Resolutions tried when the name keeps turning into a symlink between the check and the open. */
const MAX_OPEN_ATTEMPTS = 3;

/** An object opened by a file tool after the scope check: it reads from this descriptor only. */
export interface ScopedFile {
  /** The open descriptor (read with scope/fd-io.ts `readFd`); release it with `close()`. */
  readonly fd: number;
  /** The real path of the opened object (from its descriptor where the system tells), in scope. */
  readonly path: string;
  /** fstat of the descriptor: type, size and mtime of exactly what was opened. */
  readonly stats: Stats;
  /** Closes the descriptor (once; later calls do nothing). */
  close(): void;
}

function scopedFile(fd: number, path: string, stats: Stats): ScopedFile {
  let open = true;
  return {
    fd,
    path,
    stats,
    close() {
      if (open) closeFd(fd);
      open = false;
    },
  };
}

export type ScopedOpen =
  | { readonly ok: true; readonly file: ScopedFile }
  | { readonly ok: false; readonly reason: string; readonly why: DenialKind };

/**
 * Resolves `given` (against `cwd`) through the scope, opens the result with SCOPED_READ_FLAGS and
 * checks the opened descriptor's real path (/proc/self/fd) against the scope again, so a name
 * swapped between the check and the open cannot lead outside: whatever was opened is what is judged.
 * Any type is opened (the caller checks `stats`: file, directory, or something to refuse). Refusals
 * come back as `{ok: false}` (ACCESS_DENIED); a failed open or fstat throws its errno error.
 */
export async function openInScope(
  scope: PathScope,
  given: string,
  cwd: string,
  /**
   * What `scope.resolve(given, cwd)` answered a moment ago (e.g. to take a lock): the first open
   * uses it. It is as safe as a fresh one: a symlink there since fails the open and resolves anew,
   * and the descriptor is checked either way.
   */
  resolvedBefore?: string,
): Promise<ScopedOpen> {
  for (let attempt = 1; ; attempt++) {
    const resolved: ScopedPath =
      attempt === 1 && resolvedBefore !== undefined
        ? { ok: true, path: resolvedBefore }
        : await scope.resolve(given, cwd);
    if (!resolved.ok) return resolved;
    let fd: number;
    try {
      fd = openFdNow(resolved.path, SCOPED_READ_FLAGS);
    } catch (err) {
      if ((err as NodeJS.ErrnoException)?.code !== "ELOOP") throw err;
      // The resolved path ends in a symlink now: the name changed since it was checked.
      if (attempt < MAX_OPEN_ATTEMPTS) continue;
      return {
        ok: false,
        why: "unresolvable",
        reason: `${given} keeps being replaced by a symbolic link while it is opened; access is refused. Retry once it stays put.`,
      };
    }
    const { checked, stats } = checkOpened(scope, fd, resolved.path, given);
    return checked.ok ? { ok: true, file: scopedFile(fd, checked.path, stats) } : checked;
  }
}

/**
 * fstat and `checkDescriptor` of `fd`, just opened by canonical path `expected`; closes it when the
 * check refuses it or anything throws, so the caller owns it only when it passed.
 */
export function checkOpened(
  scope: PathScope,
  fd: number,
  expected: string,
  given: string,
): { readonly checked: ScopedPath; readonly stats: Stats } {
  try {
    const stats = fstatFd(fd);
    const checked = checkDescriptor(scope, fd, stats, expected, given);
    if (!checked.ok) closeFd(fd);
    return { checked, stats };
  } catch (err) {
    closeFd(fd);
    throw err;
  }
}

/**
 * Judges what descriptor `fd` really refers to. `expected` is the canonical path it was opened by:
 * when the descriptor's real path is the same, nothing moved; otherwise a component was swapped on
 * the way and the real path decides. Without restrictions (or without /proc) there is nothing to ask.
 */
export function checkDescriptor(
  scope: PathScope,
  fd: number,
  stats: Stats,
  expected: string,
  given: string,
): ScopedPath {
  if (scope.unrestricted) return { ok: true, path: expected };
  const real = realPathOfFd(fd, stats);
  if (real === undefined || real === expected) return { ok: true, path: expected };
  return scope.check(real, `${given} (changed while it was being opened; it now leads to ${real})`);
}
