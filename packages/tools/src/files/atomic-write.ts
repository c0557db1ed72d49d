import { randomBytes } from "node:crypto";
import { constants, type Stats } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import path from "node:path";
import { canonicalize } from "../scope/canonical-path.js";
import { closeFd, fchmodFd, fchownFd, fstatFd, openFd, writeFd, writevFd } from "../scope/fd-io.js";
import { dirByPath, type ScopedDir } from "../scope/scoped-dir.js";

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_SYNC } = constants;
/** Temp names: this process's id, a random part drawn once and a counter (O_EXCL settles any clash). */
const TEMP_TAG = `${process.pid}.${randomBytes(4).toString("hex")}`;
let tempCount = 0;
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

/** What a temp file is written with: one buffer, or pieces in order (one writev call). */
export type WriteData = string | Uint8Array | readonly Uint8Array[];

/** Writes all of `data` from offset 0. */
async function writeAll(fd: number, data: WriteData): Promise<void> {
  let at = 0;
  let rest: Uint8Array;
  if (typeof data === "string") {
    rest = Buffer.from(data, "utf8");
  } else if (data instanceof Uint8Array) {
    rest = data;
  } else {
    const total = data.reduce((n, b) => n + b.length, 0);
    at = await writevFd(fd, data, 0);
    if (at === total) return;
    rest = Buffer.concat(data).subarray(at);
  }
  for (let done = 0; done < rest.length; ) {
    done += await writeFd(fd, rest, done, rest.length - done, at + done);
  }
}

/**
 * The temp file of one atomic replacement of `name` in `dir`: created first (so it can be opened
 * while the caller still reads the old file), then written and renamed over the entry by `commit`,
 * or removed by `discard`. A reader, a crash or SIGKILL at any moment sees the complete old or the
 * complete new file: the rename is atomic (same directory, same filesystem) and happens only after
 * the data is on disk (written with O_SYNC, the fsync of SPEC §3.4).
 * The directory is not fsynced: a power loss may then undo the rename, which leaves the old file
 * whole (the guarantee holds) and is not worth doubling the latency of every edit.
 */
export class TempFile {
  private constructor(
    private readonly dir: ScopedDir,
    private readonly name: string,
    private readonly tmp: string,
    private fd: number | undefined,
  ) {}

  /** Creates the temp file, with `mode` already (right with the usual umask; fixed in commit if not). */
  static async create(dir: ScopedDir, name: string, mode: number): Promise<TempFile> {
    // Short, unique and recognisable: a leftover after a kill can be traced back to us.
    const stem = Array.from(name).slice(0, 32).join("");
    const tmp = dir.entry(`.${stem}.${TEMP_TAG}.${(tempCount++).toString(36)}.boris-tmp`);
    return new TempFile(dir, name, tmp, await openFd(tmp, TEMP_FLAGS, mode & 0o777));
  }

  /**
   * Writes `data` synchronously (fsynced), gives it its final mode and owner and renames it over
   * the entry after `beforeRename`. Returns the new file's stats, taken before the rename, so they
   * describe our content even if another process replaces it right after.
   */
  async commit(data: WriteData, options: ReplaceOptions): Promise<Stats> {
    const fd = this.fd as number;
    const mode = options.mode & 0o7777;
    try {
      // Synchronous writes (O_SYNC): when this returns, the content is durable (SPEC §3.4).
      await writeAll(fd, data);
      let stats = fstatFd(fd);
      let fixed = false;
      if ((stats.mode & 0o7777) !== mode) {
        // fchmod: the umask must not change the file's permissions.
        await fchmodFd(fd, mode);
        fixed = true;
      }
      if (options.uid !== undefined && options.gid !== undefined) {
        if (stats.uid !== options.uid || stats.gid !== options.gid) {
          await fchownFd(fd, options.uid, options.gid).catch(() => {});
          // chown clears set-id bits; put the wanted mode back.
          await fchmodFd(fd, mode).catch(() => {});
          fixed = true;
        }
      }
      if (fixed) stats = fstatFd(fd);
      await options.beforeRename?.();
      // The data is on disk: the descriptor has nothing left to flush.
      this.fd = undefined;
      closeFd(fd);
      await rename(this.tmp, this.dir.entry(this.name));
      return stats;
    } catch (err) {
      await this.discard();
      throw err;
    }
  }

  /** Closes and removes the temp file (the entry is left as it was). */
  async discard(): Promise<void> {
    if (this.fd !== undefined) closeFd(this.fd);
    this.fd = undefined;
    await unlink(this.tmp).catch(() => {});
  }
}

/** Replaces the entry `name` of `dir` with `data` atomically (see TempFile). */
export async function replaceInDir(
  dir: ScopedDir,
  name: string,
  data: WriteData,
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
