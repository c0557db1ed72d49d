import { constants, lstatSync, statSync } from "node:fs";

/**
 * fs's own stat: fills and returns the binding's shared stat array (seconds and nanoseconds of each
 * time, no object per call); undefined when the path is gone.
 */
type RawStat = (
  path: string | Buffer,
  bigint: false,
  req: undefined,
  throwIfNoEntry: false,
) => Float64Array | undefined;

/** Positions in the stat array: mode, link count, and mtime's seconds (nanoseconds follow). */
const MODE = 1;
const NLINK = 2;
const MTIME_SEC = 12;

function msOf(raw: Float64Array): number {
  return (raw[MTIME_SEC] as number) * 1e3 + (raw[MTIME_SEC + 1] as number) / 1e6;
}

function pendingDeprecation(): boolean {
  return (
    process.execArgv.includes("--pending-deprecation") ||
    /--pending-deprecation\b/.test(process.env.NODE_OPTIONS ?? "")
  );
}

/**
 * On Node 20, statSync builds a Stats object with four Date objects for every call (Node 22 makes
 * them lazy). Glob stats every match: on the kernel's 32k `*.c` files the Dates and their garbage
 * were a third of the call's CPU, and the garbage, promoted by scavenges, what set the server's
 * peak RSS. fs's binding gives the numbers without the objects. It is used only on Node 20–21,
 * only when it answers exactly as statSync does for a path that exists and one that does not, and
 * not under --pending-deprecation (where asking for it warns); otherwise statSync. The same holds
 * for lstat, which glob asks of every directory a match lies in.
 */
function findRawStats(): { stat: RawStat; lstat: RawStat } | undefined {
  if (Number(process.versions.node.split(".")[0]) >= 22 || pendingDeprecation()) return undefined;
  try {
    const binding = (
      process as unknown as { binding(name: string): { stat?: unknown; lstat?: unknown } }
    ).binding("fs");
    const stat = binding.stat as RawStat | undefined;
    const lstat = binding.lstat as RawStat | undefined;
    if (typeof stat !== "function" || typeof lstat !== "function") return undefined;
    // Each answer is read before the next call: the binding fills one shared array, which
    // statSync and lstatSync fill too.
    const probe = process.execPath;
    const viaStat = stat(probe, false, undefined, false);
    if (!(viaStat instanceof Float64Array)) return undefined;
    const mtime = msOf(viaStat);
    if (mtime !== statSync(probe).mtimeMs) return undefined;
    const viaLstat = lstat(probe, false, undefined, false);
    if (!(viaLstat instanceof Float64Array)) return undefined;
    const [mode, nlink] = [viaLstat[MODE], viaLstat[NLINK]];
    const want = lstatSync(probe);
    if (mode !== want.mode || nlink !== want.nlink) return undefined;
    if (stat(`${probe}.boris-absent`, false, undefined, false) !== undefined) return undefined;
    return { stat, lstat };
  } catch {
    return undefined;
  }
}

/** null until first asked for. */
let found: { stat: RawStat; lstat: RawStat } | undefined | null = null;

function rawStats(): { stat: RawStat; lstat: RawStat } | undefined {
  if (found === null) found = findRawStats();
  return found;
}

/** Whether mtimeOf and linkOf go through fs's binding (for tests). */
export function mtimeUsesBinding(): boolean {
  return rawStats() !== undefined;
}

function hasNul(path: string | Buffer): boolean {
  return typeof path === "string" ? path.includes("\0") : path.includes(0);
}

const NO_THROW = { throwIfNoEntry: false } as const;

/**
 * The modification time of `absPath` (following symlinks), ms; undefined when it is gone. Other
 * failures (EACCES, ELOOP …) throw, as statSync does. The path may be given as its bytes (no string
 * to make for a path read from rg's output).
 */
export function mtimeOf(absPath: string | Buffer): number | undefined {
  const fast = rawStats();
  // A NUL would end the path early in the binding; statSync refuses it.
  if (fast === undefined || hasNul(absPath)) return mtimeByStatSync(absPath);
  const values = fast.stat(absPath, false, undefined, false);
  return values === undefined ? undefined : msOf(values);
}

/** What glob asks of a directory: whether it is a symlink, and its link count. */
export interface LinkInfo {
  readonly symlink: boolean;
  readonly nlink: number;
}

/**
 * lstat's answer for `absPath` as a LinkInfo (no Stats object on Node 20–21); undefined when it is
 * gone. Other failures throw, as lstatSync does.
 */
export function linkOf(absPath: string): LinkInfo | undefined {
  const fast = rawStats();
  if (fast === undefined || hasNul(absPath)) {
    const st = lstatSync(absPath, NO_THROW);
    return st && { symlink: st.isSymbolicLink(), nlink: st.nlink };
  }
  const values = fast.lstat(absPath, false, undefined, false);
  if (values === undefined) return undefined;
  return {
    symlink: ((values[MODE] as number) & constants.S_IFMT) === constants.S_IFLNK,
    nlink: values[NLINK] as number,
  };
}

/** statSync's answer: mtimeOf's fallback, and what tests check the binding's answers against. */
export function mtimeByStatSync(absPath: string | Buffer): number | undefined {
  return statSync(absPath, NO_THROW)?.mtimeMs;
}
