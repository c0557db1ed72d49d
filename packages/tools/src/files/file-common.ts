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

/** Longest line shown by view and in edit snippets, in characters (code points). */
export const MAX_LINE_CHARS = 2000;

export { assertSessionOpen as assertOpen } from "../core/session-errors.js";

/**
 * Canonicalises a user-supplied path against the session cwd and the scope (SPEC §5), or throws
 * ACCESS_DENIED with the scope's reason.
 */
export async function resolveInScope(ctx: ToolContext, given: string): Promise<string> {
  const scoped = await ctx.config.pathScope.resolve(given, ctx.session.cwd);
  if (!scoped.ok) throw new ToolError(ErrorCode.ACCESS_DENIED, scoped.reason);
  return scoped.path;
}

/** `2.4 MB` style, binary units. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? "1 byte" : `${bytes} bytes`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** One line as `cat -n` prints it: the number right-aligned in 6 columns, a tab, the text. */
export function numberLine(lineNumber: number, text: string): string {
  return `${String(lineNumber).padStart(6)}\t${text}`;
}

/** Cuts a line over MAX_LINE_CHARS code points, saying how long it was. */
export function clipLine(text: string): string {
  if (text.length <= MAX_LINE_CHARS) return text;
  const chars = Array.from(text);
  if (chars.length <= MAX_LINE_CHARS) return text;
  return `${chars.slice(0, MAX_LINE_CHARS).join("")}... [truncated, ${chars.length} chars total]`;
}

export function tooLarge(what: string, bytes: number, limit: number, fix: string): ToolError {
  return new ToolError(
    ErrorCode.FILE_TOO_LARGE,
    `${what} is ${formatSize(bytes)}${bytes >= 1024 ? ` (${bytes} bytes)` : ""}, over the ${formatSize(limit)} limit (--max-file-size). ${fix}`,
  );
}

/** Remembers what this session saw (or wrote) so a later edit can tell whether the file moved on. */
export function recordViewed(session: Session, canonical: string, stats: Stats): void {
  session.viewed.set(canonical, { size: stats.size, mtimeMs: stats.mtimeMs });
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
  if (seen.size !== current.size || seen.mtimeMs !== current.mtimeMs) {
    const what =
      seen.size !== current.size
        ? `its size went from ${seen.size} to ${current.size} bytes`
        : `it was modified at ${new Date(current.mtimeMs).toISOString()}`;
    throw new ToolError(
      ErrorCode.FILE_CHANGED_SINCE_VIEW,
      `${given} changed on disk since this session last viewed it (${what}). View it again with ${names.view}, then retry the ${action} against its current content.`,
    );
  }
}
