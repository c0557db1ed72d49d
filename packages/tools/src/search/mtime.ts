import { statSync } from "node:fs";

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

/** The position of mtime's seconds in the stat array (nanoseconds follow). */
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
 * not under --pending-deprecation (where asking for it warns); otherwise statSync.
 */
function findRawStat(): RawStat | undefined {
  if (Number(process.versions.node.split(".")[0]) >= 22 || pendingDeprecation()) return undefined;
  try {
    const binding = (process as unknown as { binding(name: string): { stat?: unknown } }).binding("fs");
    const stat = binding.stat as RawStat | undefined;
    if (typeof stat !== "function") return undefined;
    const probe = process.execPath;
    const raw = stat(probe, false, undefined, false);
    if (!(raw instanceof Float64Array) || msOf(raw) !== statSync(probe).mtimeMs) return undefined;
    if (stat(`${probe}.boris-absent`, false, undefined, false) !== undefined) return undefined;
    return stat;
  } catch {
    return undefined;
  }
}

let rawStat: RawStat | undefined | null = null;

/** Whether mtimeOf goes through fs's binding (for tests). */
export function mtimeUsesBinding(): boolean {
  if (rawStat === null) rawStat = findRawStat();
  return rawStat !== undefined;
}

const NO_THROW = { throwIfNoEntry: false } as const;

/**
 * The modification time of `absPath` (following symlinks), ms; undefined when it is gone. Other
 * failures (EACCES, ELOOP …) throw, as statSync does. The path may be given as its bytes (no string
 * to make for a path read from rg's output).
 */
export function mtimeOf(absPath: string | Buffer): number | undefined {
  if (rawStat === null) rawStat = findRawStat();
  // A NUL would end the path early in the binding; statSync refuses it.
  if (rawStat === undefined || (typeof absPath === "string" ? absPath.includes("\0") : absPath.includes(0))) {
    return statSync(absPath, NO_THROW)?.mtimeMs;
  }
  const raw = rawStat(absPath, false, undefined, false);
  return raw === undefined ? undefined : msOf(raw);
}

/** statSync's answer, always (the reference mtimeOf is checked against in tests). */
export function mtimeByStatSync(absPath: string | Buffer): number | undefined {
  return statSync(absPath, NO_THROW)?.mtimeMs;
}
