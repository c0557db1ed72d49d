import { randomBytes } from "node:crypto";
import type { Stats } from "node:fs";
import { type FileHandle, open, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { canonicalize } from "../scope/canonical-path.js";

export interface AtomicWriteOptions {
  /** Permission bits of the result (e.g. the old file's mode, or 0o644 for a new file). */
  readonly mode: number;
  /** Owner to give the new inode (the old file's); only effective with the privilege to chown. */
  readonly uid?: number;
  readonly gid?: number;
}

/**
 * Replaces `target` with `data` so that a reader (or a crash, or SIGKILL) sees either the complete
 * old content or the complete new content, never a mix: the data goes to a temp file in the same
 * directory (same filesystem, so rename is atomic), is fsynced, gets its final mode and is renamed
 * over the target. A symlink is written through: its target file is replaced, the link stays.
 * Returns the path actually written and the new file's stats (taken before the rename, so they
 * describe our content even if another process replaces the file right after).
 * The directory is not fsynced: a power loss may then undo the rename, which leaves the old file
 * whole (the guarantee holds) and is not worth doubling the latency of every edit.
 */
export async function atomicWrite(
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions,
): Promise<{ path: string; stats: Stats }> {
  const dest = await canonicalize(path.resolve(target));
  const dir = path.dirname(dest);
  // Short, unique and recognisable: a leftover after a kill can be traced back to us.
  const stem = Array.from(path.basename(dest)).slice(0, 32).join("");
  const tmp = path.join(dir, `.${stem}.${process.pid}.${randomBytes(6).toString("hex")}.boris-tmp`);
  let fh: FileHandle | undefined;
  let stats: Stats;
  try {
    fh = await open(tmp, "wx", 0o600);
    await fh.writeFile(data);
    await fh.sync();
    // fchmod rather than the open() mode: the umask must not change the file's permissions.
    await fh.chmod(options.mode & 0o7777);
    stats = await fh.stat();
    if (options.uid !== undefined && options.gid !== undefined) {
      if (stats.uid !== options.uid || stats.gid !== options.gid) {
        await fh.chown(options.uid, options.gid).catch(() => {});
        // chown clears set-id bits; put the wanted mode back.
        await fh.chmod(options.mode & 0o7777).catch(() => {});
        stats = await fh.stat();
      }
    }
    await fh.close();
    fh = undefined;
    await rename(tmp, dest);
  } catch (err) {
    await fh?.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  return { path: dest, stats };
}
