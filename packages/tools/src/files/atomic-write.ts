import { randomBytes } from "node:crypto";
import { constants, type Stats } from "node:fs";
import { type FileHandle, open, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { canonicalize } from "../scope/canonical-path.js";
import { dirByPath, type ScopedDir } from "../scope/scoped-dir.js";

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
/** A fresh temp file, never an existing name or a symlink planted under its name. */
const TEMP_FLAGS = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;

export interface AtomicWriteOptions {
  /** Permission bits of the result (e.g. the old file's mode, or 0o644 for a new file). */
  readonly mode: number;
  /** Owner to give the new inode (the old file's); only effective with the privilege to chown. */
  readonly uid?: number;
  readonly gid?: number;
}

export interface ReplaceOptions extends AtomicWriteOptions {
  /** Runs right before the rename; throwing aborts the write (the temp file is removed). */
  readonly beforeRename?: () => Promise<void>;
}

/**
 * Replaces the entry `name` of `dir` with `data` so that a reader (or a crash, or SIGKILL) sees
 * either the complete old content or the complete new content, never a mix: the data goes to a temp
 * file in the same directory (same filesystem, so rename is atomic), is fsynced, gets its final mode
 * and is renamed over the entry. Returns the new file's stats (taken before the rename, so they
 * describe our content even if another process replaces the file right after).
 * The directory is not fsynced: a power loss may then undo the rename, which leaves the old file
 * whole (the guarantee holds) and is not worth doubling the latency of every edit.
 */
export async function replaceInDir(
  dir: ScopedDir,
  name: string,
  data: string | Uint8Array,
  options: ReplaceOptions,
): Promise<Stats> {
  // Short, unique and recognisable: a leftover after a kill can be traced back to us.
  const stem = Array.from(name).slice(0, 32).join("");
  const tmp = dir.entry(`.${stem}.${process.pid}.${randomBytes(6).toString("hex")}.boris-tmp`);
  const mode = options.mode & 0o7777;
  let fh: FileHandle | undefined;
  let stats: Stats;
  try {
    // Created with the wanted mode: with the usual umask that is already right and needs no fchmod.
    fh = await open(tmp, TEMP_FLAGS, mode & 0o777);
    await fh.writeFile(data);
    await fh.sync();
    stats = await fh.stat();
    if ((stats.mode & 0o7777) !== mode) {
      // fchmod rather than the open() mode: the umask must not change the file's permissions.
      await fh.chmod(mode);
      stats = await fh.stat();
    }
    if (options.uid !== undefined && options.gid !== undefined) {
      if (stats.uid !== options.uid || stats.gid !== options.gid) {
        await fh.chown(options.uid, options.gid).catch(() => {});
        // chown clears set-id bits; put the wanted mode back.
        await fh.chmod(mode).catch(() => {});
        stats = await fh.stat();
      }
    }
    await fh.close();
    fh = undefined;
    await options.beforeRename?.();
    await rename(tmp, dir.entry(name));
  } catch (err) {
    await fh?.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  return stats;
}

/**
 * `replaceInDir` for a plain path: a symlink is written through (its target file is replaced, the
 * link stays). Returns the path actually written and the new file's stats.
 */
export async function atomicWrite(
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions,
): Promise<{ path: string; stats: Stats }> {
  const dest = await canonicalize(path.resolve(target));
  const stats = await replaceInDir(dirByPath(path.dirname(dest)), path.basename(dest), data, options);
  return { path: dest, stats };
}
