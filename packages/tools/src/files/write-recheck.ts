import { lstatSync, type Stats } from "node:fs";
import { readlink } from "node:fs/promises";
import path from "node:path";
import type { ToolContext } from "../core/tool-registry.js";
import { canonicalize } from "../scope/canonical-path.js";
import type { ScopedDir } from "../scope/scoped-dir.js";
import { accessDenied } from "./file-access.js";
import { changedDuringEdit, type FileToolNames, sameFileState } from "./view-before-edit.js";

/** Looks at an entry that turns from a symlink into something else between lstat and readlink. */
const MAX_LOOKS = 3;

export interface RecheckOptions {
  readonly given: string;
  readonly names: FileToolNames;
  /** "edit" or "overwrite", for the message. */
  readonly action: string;
  /** What the write was based on: the stats of the file it read, undefined for a new file. */
  readonly expected: Stats | undefined;
  /** Refuse when the entry is no longer what the write was based on (else only symlinks count). */
  readonly requireUnchanged: boolean;
}

/**
 * Looks at the target entry once more right before the rename. A symlink there now (the name was
 * swapped) is refused: ACCESS_DENIED when it leads out of the scope, else FILE_CHANGED_SINCE_VIEW.
 * A regular file that is not the one the edit read (another session or process wrote it since) is
 * FILE_CHANGED_SINCE_VIEW, so the edit never silently drops someone else's update.
 */
export async function recheckTarget(
  ctx: ToolContext,
  dir: ScopedDir,
  name: string,
  options: RecheckOptions,
): Promise<void> {
  const { given, names, action, expected } = options;
  let now: Stats | undefined;
  for (let attempt = 1; ; attempt++) {
    // Synchronous: one lookup in a directory just written to, and it is the last word before the
    // rename, so nothing should run in between.
    try {
      now = lstatSync(dir.entry(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException)?.code !== "ENOENT") throw err;
      now = undefined;
    }
    if (!now?.isSymbolicLink()) break;
    // Judged by where the link points, read from the link itself: resolving the name again could
    // meet whatever replaced the link by then.
    const target = await readlink(dir.entry(name)).catch(() => undefined);
    if (target === undefined) {
      if (attempt < MAX_LOOKS) continue;
      throw accessDenied(
        `${given} keeps being replaced while it is written; nothing was written. Retry once it stays put.`,
      );
    }
    const where = await canonicalize(path.resolve(dir.path, target)).catch(() => undefined);
    if (where === undefined) {
      throw accessDenied(
        `${given} was replaced by a symbolic link that cannot be resolved while it was being written; nothing was written.`,
      );
    }
    const judged = ctx.scope.check(
      where,
      `${given} (replaced while it was being written by a symbolic link to ${where})`,
    );
    if (!judged.ok) throw accessDenied(`${judged.reason} Nothing was written.`);
    throw changedDuringEdit(given, names, action);
  }
  if (options.requireUnchanged && !sameFileState(now, expected))
    throw changedDuringEdit(given, names, action);
}
