import { constants } from "node:fs";
import { chmod, lstat, mkdir } from "node:fs/promises";
import path from "node:path";
import { closeFd, openFdNow } from "./fd-io.js";
import { fdPath, hasProcFd } from "./fd-path.js";
import type { DenialKind, PathScope } from "./path-scope.js";
import { checkOpened } from "./scoped-open.js";

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = constants;
/**
 * O_PATH (Linux): a descriptor that only pins the directory, so a directory the user may write but
 * not list (mode -wx) can still be written into. Same value on every architecture Node runs on.
 */
const O_PATH = process.platform === "linux" ? 0o10000000 : 0;
const DIR_FLAGS = (O_PATH || O_RDONLY) | O_DIRECTORY | O_NOFOLLOW;

/**
 * A directory checked against the scope, in which a file tool creates, renames and inspects
 * entries. Where /proc/self/fd exists it is held open and `entry(name)` goes through its descriptor,
 * so the entries land in exactly the directory that was checked even if its path is swapped for a
 * symlink afterwards (a rename of the directory itself moves the work with it).
 */
export interface ScopedDir {
  /** Real path of the directory, in scope. */
  readonly path: string;
  /** A path naming `name` inside this very directory, for open, mkdir, lstat and rename. */
  entry(name: string): string;
  close(): Promise<void>;
}

export type ScopedDirOpen =
  | { readonly ok: true; readonly dir: ScopedDir }
  | { readonly ok: false; readonly reason: string; readonly why: DenialKind };

/** A directory used by its path: where nothing needs pinning (no scope, no /proc). */
export function dirByPath(dir: string): ScopedDir {
  return { path: dir, entry: (name) => path.join(dir, name), close: async () => {} };
}

function byFd(dir: string, fd: number): ScopedDir {
  const through = fdPath(fd);
  let open = true;
  return {
    path: dir,
    entry: (name) => `${through}/${name}`,
    close: async () => {
      if (open) closeFd(fd);
      open = false;
    },
  };
}

/**
 * Whether opening `dir` failed because its last component is a symlink now: O_NOFOLLOW gives
 * ELOOP, or with O_DIRECTORY ENOTDIR (which a plain file there gives too, hence the lstat).
 */
async function becameLink(err: unknown, dir: string): Promise<boolean> {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "ELOOP") return true;
  if (code !== "ENOTDIR") return false;
  return (await lstat(dir).catch(() => undefined))?.isSymbolicLink() === true;
}

/** The refusal for a directory that became a symlink between its check and its open. */
function swapped(given: string): ScopedDirOpen {
  return {
    ok: false,
    why: "unresolvable",
    reason: `a directory on the path of ${given} was replaced by a symbolic link while it was being written; access is refused. Retry once it stays put.`,
  };
}

/** Whether directories need pinning: only a restricted scope has an outside to escape to. */
function pins(scope: PathScope): boolean {
  return hasProcFd && !scope.unrestricted;
}

/**
 * Opens the directory at canonical path `dir` (as resolved and checked by the scope) and checks the
 * descriptor's real path again. `given` names it in a refusal. Throws the errno error of the open
 * (ENOENT, ENOTDIR, ELOOP when the last component became a symlink).
 */
export async function openDirInScope(scope: PathScope, dir: string, given: string): Promise<ScopedDirOpen> {
  if (!pins(scope)) return { ok: true, dir: dirByPath(dir) };
  let fd: number;
  try {
    // O_PATH on a canonicalised path: a lookup in the dentry cache, nothing to wait for.
    fd = openFdNow(dir, DIR_FLAGS);
  } catch (err) {
    if (await becameLink(err, dir)) return swapped(given);
    throw err;
  }
  const { checked } = checkOpened(scope, fd, dir, given);
  return checked.ok ? { ok: true, dir: byFd(checked.path, fd) } : checked;
}

/**
 * `mkdir -p` of `dir` (canonical, checked by the scope) that cannot be redirected: it opens the
 * nearest existing ancestor and checks it, then creates each missing level through its parent's
 * descriptor and opens it without following symlinks. Every directory it creates gets exactly
 * `mode`, whatever the umask. Returns the opened, checked `dir`.
 */
export async function makeDirInScope(
  scope: PathScope,
  dir: string,
  given: string,
  mode: number,
): Promise<ScopedDirOpen> {
  const missing: string[] = [];
  let existing = dir;
  for (;;) {
    try {
      const opened = await openDirInScope(scope, existing, given);
      if (!opened.ok) return opened;
      if (!pins(scope)) {
        // Nothing to escape to: plain paths (and "does it exist" from mkdir itself).
        await opened.dir.close();
        break;
      }
      return await descend(opened.dir, missing, mode, given);
    } catch (err) {
      const parent = path.dirname(existing);
      if ((err as NodeJS.ErrnoException)?.code !== "ENOENT" || parent === existing) throw err;
      missing.unshift(path.basename(existing));
      existing = parent;
    }
  }
  const first = await mkdir(dir, { recursive: true, mode });
  if (first !== undefined) {
    const rel = path.relative(first, dir);
    let current = first;
    await chmod(current, mode);
    for (const part of rel === "" ? [] : rel.split(path.sep)) {
      current = path.join(current, part);
      await chmod(current, mode);
    }
  }
  return { ok: true, dir: dirByPath(dir) };
}

async function descend(
  from: ScopedDir,
  parts: readonly string[],
  mode: number,
  given: string,
): Promise<ScopedDirOpen> {
  let current = from;
  try {
    for (const part of parts) {
      const entry = current.entry(part);
      let created = true;
      await mkdir(entry, { mode }).catch((err: NodeJS.ErrnoException) => {
        if (err?.code !== "EEXIST") throw err;
        created = false;
      });
      // NOFOLLOW: a symlink put in its place since is an error instead of a way out.
      let fd: number;
      try {
        fd = openFdNow(entry, DIR_FLAGS);
      } catch (err) {
        if (!(await becameLink(err, entry))) throw err;
        await current.close();
        return swapped(given);
      }
      // Through the descriptor: the mode lands on the directory just created, not on a swapped name.
      const next = byFd(path.join(current.path, part), fd);
      if (created)
        await chmod(fdPath(fd), mode).catch(async (err) => {
          await next.close();
          throw err;
        });
      await current.close();
      current = next;
    }
    return { ok: true, dir: current };
  } catch (err) {
    await current.close().catch(() => {});
    throw err;
  }
}
