import { constants, type Stats } from "node:fs";
import { type FileHandle, open, readlink } from "node:fs/promises";
import { ErrorCode, ioError, ToolError } from "../core/errors.js";

/**
 * A file opened once and checked on its descriptor, for single-file grep (issue 11 §1, §3): rg is
 * handed `/proc/<pid>/fd/<n>`, which names the opened file itself, so a name swapped for a symlink
 * to somewhere else between the scope check and rg's open cannot redirect the search. Kept here
 * until the file tools' descriptor-checked open in scope/ can serve both.
 */
export interface CheckedFile {
  readonly handle: FileHandle;
  readonly stats: Stats;
  /** A path rg can open that names exactly the checked file. */
  readonly procPath: string;
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Opens `canonical` (the scope-checked real path) without following a final symlink and without
 * blocking on a FIFO, and checks what was opened: the same real path, a regular file, within the
 * size limit. `shown` is the path as the caller gave it, for messages.
 */
export async function openCheckedFile(
  canonical: string,
  shown: string,
  maxFileSize: number,
  tool: string,
): Promise<CheckedFile> {
  let handle: FileHandle;
  try {
    handle = await open(canonical, OPEN_FLAGS);
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === "ELOOP") throw swapped(shown, tool);
    throw ioError(`${tool}: open`, shown, err);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new ToolError(
        ErrorCode.IO_ERROR,
        `${tool}: ${shown} is not a regular file (${kind(stats)}); only regular files and directories can be searched.`,
      );
    }
    if (stats.size > maxFileSize) {
      throw new ToolError(
        ErrorCode.FILE_TOO_LARGE,
        `${tool}: ${shown} is ${stats.size} bytes, over the ${maxFileSize}-byte file size limit. ` +
          "Search a smaller file, or raise --max-file-size.",
      );
    }
    const real = await readlink(`/proc/self/fd/${handle.fd}`);
    if (real !== canonical) throw swapped(shown, tool);
    return { handle, stats, procPath: `/proc/${process.pid}/fd/${handle.fd}` };
  } catch (err) {
    await handle.close().catch(() => {});
    throw err;
  }
}

function swapped(shown: string, tool: string): ToolError {
  return new ToolError(
    ErrorCode.ACCESS_DENIED,
    `${tool}: ${shown} changed while it was being checked (a path on the way was replaced). Search it again.`,
  );
}

function kind(st: Stats): string {
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a file";
}
