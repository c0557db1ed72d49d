import { ErrorCode, ToolError } from "../core/errors.js";
import type { ToolContext } from "../core/tool-registry.js";
import { openInScope, type ScopedFile } from "../scope/scoped-open.js";

export { assertSessionOpen as assertOpen } from "../core/session-errors.js";

export function accessDenied(reason: string): ToolError {
  return new ToolError(ErrorCode.ACCESS_DENIED, reason);
}

/**
 * Canonicalises a user-supplied path against the session cwd and the scope (SPEC §5), or throws
 * ACCESS_DENIED with the scope's reason. For locking and for paths that do not exist yet; what is
 * read is always opened with `openScoped`.
 */
export async function resolveInScope(ctx: ToolContext, given: string): Promise<string> {
  const scoped = await ctx.scope.resolve(given, ctx.session.cwd);
  if (!scoped.ok) throw accessDenied(scoped.reason);
  return scoped.path;
}

/**
 * Opens `given` for a file tool: resolved, checked, opened without following a swapped-in symlink
 * and checked again by its descriptor (scope/scoped-open.ts). ACCESS_DENIED when out of scope; a
 * failed open throws its errno error for the caller's `ioError`. The caller closes the file.
 */
export async function openScoped(
  ctx: ToolContext,
  given: string,
  resolvedBefore?: string,
): Promise<ScopedFile> {
  const opened = await openInScope(ctx.scope, given, ctx.session.cwd, resolvedBefore);
  if (!opened.ok) throw accessDenied(opened.reason);
  return opened.file;
}
