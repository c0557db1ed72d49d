import { readFileSync } from "node:fs";
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

/**
 * The environment block of every other live process (zombies and kernel threads skipped); nothing
 * without /proc. Processes that vanish or deny access while being read are passed over.
 */
export function* liveEnvirons(): Generator<{ pid: number; environ: Buffer }> {
  if (!hasProcfs) return;
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    if (environ.length === 0) continue;
    const state = readStat(pid)?.state;
    if (state && state !== "Z" && state !== "X") yield { pid, environ };
  }
}
