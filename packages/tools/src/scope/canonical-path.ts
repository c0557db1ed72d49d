import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import path from "node:path";

/** Symlink hops followed while canonicalising a path that does not exist yet (as the kernel's ELOOP limit). */
const MAX_LINK_HOPS = 40;

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  // EACCES: an unreadable ancestor; canonicalise what we can and let the file operation report it.
  return code === "ENOENT" || code === "ENOTDIR" || code === "EACCES";
}

/** More symlink hops than the kernel would follow. */
export class LinkLoopError extends Error {}

/**
 * realpath for a path that may not exist yet: resolves the nearest existing ancestor and appends
 * the rest. A dangling symlink on the way is followed to where it points, so creating "through"
 * it cannot land outside the scope unnoticed.
 * It is synchronous: each step is the native realpath or an lstat/readlink of one name, a lookup
 * per component in the dentry cache that costs microseconds, where a round trip through the thread
 * pool costs ten times that on a busy machine — and every file tool call resolves its path (grep
 * resolves reported paths so too). `canonicalize` is the same for callers that await.
 */
export function canonicalizeSync(abs: string, hops = 0): string {
  try {
    return realpathSync.native(abs);
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  const parent = path.dirname(abs);
  if (parent === abs) return abs;
  const canonParent = canonicalizeSync(parent, hops);
  const candidate = path.join(canonParent, path.basename(abs));
  let target: string | undefined;
  try {
    if (lstatSync(candidate).isSymbolicLink()) target = readlinkSync(candidate);
  } catch {
    // Not there at all.
  }
  if (target === undefined) return candidate;
  if (hops >= MAX_LINK_HOPS) throw new LinkLoopError(candidate);
  return canonicalizeSync(path.resolve(canonParent, target), hops + 1);
}

/** `canonicalizeSync`, for callers that await. */
export async function canonicalize(abs: string): Promise<string> {
  return canonicalizeSync(abs);
}
