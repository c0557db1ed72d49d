import type { Stats } from "node:fs";
import type { Session } from "@boris-mcp/session";
import { ErrorCode, ToolError } from "../core/errors.js";
import type { ToolContext } from "../core/tool-registry.js";

/** How the error messages of the file tools name the viewing call (differs in compat mode). */
export interface FileToolNames {
  /** e.g. "view" or "str_replace_editor with command \"view\"". */
  readonly view: string;
}

export const STANDARD_NAMES: FileToolNames = { view: "view" };
export const COMPAT_NAMES: FileToolNames = { view: 'str_replace_editor with command "view"' };

/**
 * The inode each session saw per path, beside `session.viewed` (size and mtime, SPEC §3.4): every
 * write here is a rename to a new inode, so a file rewritten by another session within one
 * timestamp tick (same size, same coarse mtime) is still told apart.
 */
const seenInodes = new WeakMap<Session, Map<string, string>>();

function inodeOf(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}

/** Remembers what this session saw (or wrote) so a later edit can tell whether the file moved on. */
export function recordViewed(session: Session, canonical: string, stats: Stats): void {
  session.viewed.set(canonical, { size: stats.size, mtimeMs: stats.mtimeMs });
  let inodes = seenInodes.get(session);
  if (!inodes) {
    inodes = new Map();
    seenInodes.set(session, inodes);
  }
  inodes.set(canonical, inodeOf(stats));
}

function changed(given: string, names: FileToolNames, action: string, what: string): ToolError {
  return new ToolError(
    ErrorCode.FILE_CHANGED_SINCE_VIEW,
    `${given} changed on disk since this session last viewed it (${what}). View it again with ${names.view}, then retry the ${action} against its current content.`,
  );
}

/**
 * The view-before-edit rule (SPEC §3.4): the file must have been viewed or written by this session,
 * and must not have changed on disk since.
 */
export function checkViewed(
  ctx: ToolContext,
  names: FileToolNames,
  canonical: string,
  given: string,
  current: Stats,
  action: string,
): void {
  if (!ctx.config.requireViewBeforeEdit) return;
  const seen = ctx.session.viewed.get(canonical);
  if (!seen) {
    throw new ToolError(
      ErrorCode.FILE_NOT_VIEWED,
      `${given} has not been viewed in this session. View it first with ${names.view}, then retry the ${action}.`,
    );
  }
  if (seen.size !== current.size) {
    throw changed(given, names, action, `its size went from ${seen.size} to ${current.size} bytes`);
  }
  const inode = seenInodes.get(ctx.session)?.get(canonical);
  if (seen.mtimeMs !== current.mtimeMs || (inode !== undefined && inode !== inodeOf(current))) {
    throw changed(given, names, action, `it was modified at ${new Date(current.mtimeMs).toISOString()}`);
  }
}

/** Whether two stats describe the same file in the same state (or both say "nothing there"). */
export function sameFileState(a: Stats | undefined, b: Stats | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** The file was replaced or rewritten by someone else between this edit's read and its rename. */
export function changedDuringEdit(given: string, names: FileToolNames, action: string): ToolError {
  return new ToolError(
    ErrorCode.FILE_CHANGED_SINCE_VIEW,
    `${given} changed on disk while this ${action} was being made (another session or process wrote it); nothing was written. View it again with ${names.view}, then retry the ${action} against its current content.`,
  );
}
