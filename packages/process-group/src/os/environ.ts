import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { hasProcfs, listPids, readStat } from "./proc.js";

/**
 * Every value of variable `name` in a raw environment block (`/proc/<pid>/environ`: NUL-separated
 * `NAME=value` entries), in order. Whole entries only: `X=1` is not a value of `Y_X` and `Y=X=1`
 * holds no `X`. An environment may repeat a variable (execve takes any block); `getenv` reads the
 * first, a program that builds its children's environment from the block passes all of them on, so
 * a process counts as carrying each value it holds.
 */
export function environValues(environ: Buffer, name: string): string[] {
  const prefix = Buffer.from(`${name}=`);
  const values: string[] = [];
  for (let at = environ.indexOf(prefix); at !== -1; at = environ.indexOf(prefix, at + 1)) {
    if (at > 0 && environ[at - 1] !== 0) continue;
    const end = environ.indexOf(0, at);
    values.push(environ.toString("utf8", at + prefix.length, end === -1 ? environ.length : end));
  }
  return values;
}

/** The raw environment block of `pid`, or undefined when it is gone or unreadable. */
export function readEnviron(pid: number): Buffer | undefined {
  try {
    return readFileSync(`/proc/${pid}/environ`);
  } catch {
    return undefined;
  }
}

/** Where liveEnvirons reads each block: one buffer for a whole scan, grown when a block needs it. */
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * `pid`'s environment block read into the shared scratch buffer (a view valid until the next
 * call), or undefined. A scan reads hundreds of blocks; a fresh Buffer for each would leave
 * megabytes of garbage behind every sweep of an otherwise idle server.
 */
function readEnvironShared(pid: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(`/proc/${pid}/environ`, "r");
  } catch {
    return undefined;
  }
  try {
    let length = 0;
    for (;;) {
      if (length === scratch.length) {
        const grown = Buffer.allocUnsafe(scratch.length * 2);
        scratch.copy(grown, 0, 0, length);
        scratch = grown;
      }
      const n = readSync(fd, scratch, length, scratch.length - length, null);
      if (n === 0) return scratch.subarray(0, length);
      length += n;
    }
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The environment block of every other live process (zombies and kernel threads skipped); nothing
 * without /proc. Processes that vanish or deny access while being read are passed over. Each
 * `environ` is a view into one reused buffer: use it before asking for the next.
 */
export function* liveEnvirons(): Generator<{ pid: number; environ: Buffer }> {
  if (!hasProcfs) return;
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    const environ = readEnvironShared(pid);
    if (environ === undefined || environ.length === 0) continue;
    const state = readStat(pid)?.state;
    if (state && state !== "Z" && state !== "X") yield { pid, environ };
  }
}
