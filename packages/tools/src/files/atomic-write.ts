import { randomBytes } from "node:crypto";
import { constants, type Stats } from "node:fs";
import { type FileHandle, open, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { canonicalize } from "../scope/canonical-path.js";
import { dirByPath, type ScopedDir } from "../scope/scoped-dir.js";

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_SYNC } = constants;
/**
 * A fresh temp file, never an existing name or a symlink planted under its name. O_SYNC: a write
 * returns once its data and the file's metadata are on disk, as write + fsync would, in one round
 * trip to the thread pool instead of two.
 */
const TEMP_FLAGS = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_SYNC;

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

async function writeAll(fh: FileHandle, data: Uint8Array): Promise<void> {
  for (let at = 0; at < data.length; ) {
    const { bytesWritten } = await fh.write(data, at, data.length - at, at);
    at += bytesWritten;
  }
}

/**
 * The temp file of one atomic replacement of `name` in `dir`: created first (so it can be opened
 * while the caller still reads the old file), then written, fsynced and renamed over the entry by
 * `commit`, or removed by `discard`. A reader, a crash or SIGKILL at any moment sees the complete
 * old or the complete new file: the rename is atomic (same directory, same filesystem) and happens
 * only after the data is on disk (written with O_SYNC, the fsync of SPEC §3.4).
 * The directory is not fsynced: a power loss may then undo the rename, which leaves the old file
 * whole (the guarantee holds) and is not worth doubling the latency of every edit.
 */
export class TempFile {
  private constructor(
    private readonly dir: ScopedDir,
    private readonly name: string,
    private readonly tmp: string,
    private fh: FileHandle | undefined,
  ) {}

  /** Creates the temp file, with `mode` already (right with the usual umask; fixed in commit if not). */
  static async create(dir: ScopedDir, name: string, mode: number): Promise<TempFile> {
    // Short, unique and recognisable: a leftover after a kill can be traced back to us.
    const stem = Array.from(name).slice(0, 32).join("");
    const tmp = dir.entry(`.${stem}.${process.pid}.${randomBytes(6).toString("hex")}.boris-tmp`);
    return new TempFile(dir, name, tmp, await open(tmp, TEMP_FLAGS, mode & 0o777));
  }

  /**
   * Writes `data` synchronously (fsynced), gives it its final mode and owner and renames it over the entry
   * (after `beforeRename`, which runs alongside the last fstat). Returns the new file's stats, taken
   * before the rename, so they describe our content even if another process replaces it right after.
   */
  async commit(data: string | Uint8Array, options: ReplaceOptions): Promise<Stats> {
    const fh = this.fh as FileHandle;
    const mode = options.mode & 0o7777;
    try {
      // Synchronous writes (O_SYNC): when this returns, the content is durable (SPEC §3.4).
      await writeAll(fh, typeof data === "string" ? Buffer.from(data, "utf8") : data);
      let [stats] = await Promise.all([fh.stat(), options.beforeRename?.()]);
      let fixed = false;
      if ((stats.mode & 0o7777) !== mode) {
        // fchmod: the umask must not change the file's permissions.
        await fh.chmod(mode);
        fixed = true;
      }
      if (options.uid !== undefined && options.gid !== undefined) {
        if (stats.uid !== options.uid || stats.gid !== options.gid) {
          await fh.chown(options.uid, options.gid).catch(() => {});
          // chown clears set-id bits; put the wanted mode back.
          await fh.chmod(mode).catch(() => {});
          fixed = true;
        }
      }
      if (fixed) [stats] = await Promise.all([fh.stat(), options.beforeRename?.()]);
      // The data is on disk: closing can run alongside the rename.
      this.fh = undefined;
      const closed = fh.close();
      try {
        await rename(this.tmp, this.dir.entry(this.name));
      } finally {
        await closed;
      }
      return stats;
    } catch (err) {
      await this.discard();
      throw err;
    }
  }

  /** Closes and removes the temp file (the entry is left as it was). */
  async discard(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close().catch(() => {});
    await unlink(this.tmp).catch(() => {});
  }
}

/** Replaces the entry `name` of `dir` with `data` atomically (see TempFile). */
export async function replaceInDir(
  dir: ScopedDir,
  name: string,
  data: string | Uint8Array,
  options: ReplaceOptions,
): Promise<Stats> {
  const temp = await TempFile.create(dir, name, options.mode);
  return temp.commit(data, options);
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
