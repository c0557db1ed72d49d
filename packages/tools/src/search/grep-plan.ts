import { ioError, ToolError } from "../core/errors.js";
import { sessionClosed } from "../core/session-errors.js";
import type { ToolContext } from "../core/tool-registry.js";
import { type CheckedFile, openCheckedFile } from "./checked-file.js";
import { compileGlob, type GlobMatcher } from "./glob-pattern.js";
import type { GrepRequest } from "./grep-request.js";
import { denyPruneGlobs, ReportedPathScope, resolveSearchRoot, scopeIsOpen } from "./search-scope.js";

/** Where and how one grep call searches, once its root is resolved (once) and checked. */
export interface GrepPlan {
  readonly req: GrepRequest;
  /** rg's working directory: the canonical root for a directory, the session cwd for a file. */
  readonly cwd: string;
  /** Canonical path searched (directory or file). */
  readonly root: string;
  /** The single file searched, opened and checked; undefined for a directory. */
  readonly file: CheckedFile | undefined;
  /** How the single file is shown: the path as given. */
  readonly label: string;
  /** Checks reported paths against the scope; undefined when every path may be shown. */
  readonly scope: ReportedPathScope | undefined;
  /** Include glob applied here (rg cannot apply it without overriding .gitignore). */
  readonly include: GlobMatcher | undefined;
  /** File-name globs for rg (the type, the include, or a prefilter for `include`). */
  readonly typeGlobs: readonly string[] | undefined;
  readonly excludes: readonly string[];
}

/**
 * Resolves the search root (scope, existence, kind) and decides the rg walk. A single file is
 * opened and checked here, and must be closed with `closePlan`.
 */
export async function planGrep(req: GrepRequest, ctx: ToolContext): Promise<GrepPlan> {
  const { session } = ctx;
  let found: Awaited<ReturnType<typeof resolveSearchRoot>>;
  try {
    found = await resolveSearchRoot(req.path, ctx);
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw ioError("grep: stat", req.path ?? session.cwd, err);
  }
  const { target, stats: st, error, path: canonical } = found;
  if (!st) throw ioError("grep: stat", target, error);
  if (!st.isDirectory()) {
    const file = await openCheckedFile(ctx, target, canonical, "grep");
    // rg explicitly given a file ignores type and glob filters; so do we.
    return {
      req,
      cwd: session.cwd,
      root: canonical,
      file,
      label: target,
      scope: undefined,
      include: undefined,
      typeGlobs: undefined,
      excludes: [],
    };
  }
  let typeGlobs = req.typeGlobs;
  let include: GlobMatcher | undefined;
  if (req.include !== undefined) {
    const m = compileGlob(req.include);
    // rg's --glob would re-include gitignored files; a type (file-name glob) does not, so a plain
    // file-name include goes to rg as a type, anything else is matched here on the relative path.
    if (m.baseNameOnly && m.baseNameGlob !== undefined && !typeGlobs) {
      typeGlobs = [m.baseNameGlob];
    } else {
      include = m;
      if (!typeGlobs && m.baseNameGlob !== undefined) typeGlobs = [m.baseNameGlob];
    }
  }
  return {
    req,
    cwd: canonical,
    root: canonical,
    file: undefined,
    label: "",
    scope: scopeIsOpen(ctx.scope) ? undefined : new ReportedPathScope(canonical, ctx.scope),
    include,
    typeGlobs,
    excludes: denyPruneGlobs(ctx.scope),
  };
}

export async function closePlan(plan: GrepPlan): Promise<void> {
  plan.file?.close();
}

/** Whether a reported path (relative to the root) passes the scope and the include glob. */
export function pathFilter(p: GrepPlan): ((rel: string) => boolean) | undefined {
  const { scope, include } = p;
  if (!scope && !include) return undefined;
  let last: string | undefined;
  let lastOk = false;
  return (rel) => {
    // rg reports a file's lines together: one decision per file.
    if (rel === last) return lastOk;
    last = rel;
    lastOk = (!include || include.matches(rel)) && (!scope || scope.allowed(rel));
    return lastOk;
  };
}

/** What identifies a result for reuse: everything but offset and head_limit. */
export function resultKey(p: GrepPlan): string {
  const { req } = p;
  return JSON.stringify([
    req.mode,
    req.pattern,
    p.root,
    p.file ? p.label : null,
    req.include ?? null,
    req.typeName ?? null,
    req.caseInsensitive,
    req.lineNumbers,
    req.mode === "content" ? req.before : 0,
    req.mode === "content" ? req.after : 0,
    req.multiline,
  ]);
}

/** The ToolError for a session closed during the search. */
export function closedDuringSearch(): ToolError {
  return sessionClosed();
}
