import { lstatSync, realpathSync, type Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { ErrorCode, ToolError } from "../core/errors.js";
import type { ToolContext } from "../core/tool-registry.js";
import type { PathScope } from "../scope/path-scope.js";

export interface SearchRoot {
  /** The path as the call gave it, or the session cwd. */
  readonly target: string;
  /** Canonical, in scope. */
  readonly path: string;
  /** undefined when nothing exists there (ENOENT, ENOTDIR). */
  readonly stats: Stats | undefined;
  /** The stat failure, for the caller's message. */
  readonly error: unknown;
}

/** The root a grep or glob call searches: `path` (default the session cwd), scoped and stat'ed. */
export async function resolveSearchRoot(given: string | undefined, ctx: ToolContext): Promise<SearchRoot> {
  const { session, scope } = ctx;
  const target = given === undefined || given === "" ? session.cwd : given;
  const resolved = await scope.resolve(target, session.cwd);
  if (!resolved.ok) throw new ToolError(ErrorCode.ACCESS_DENIED, resolved.reason);
  try {
    return { target, path: resolved.path, stats: await stat(resolved.path), error: undefined };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === "ENOENT" || code === "ENOTDIR")
      return { target, path: resolved.path, stats: undefined, error };
    throw error;
  }
}

/** No allow dirs and no deny patterns: every path a search reports may be shown unchecked. */
export function scopeIsOpen(scope: PathScope): boolean {
  return scope.allowDirs.length === 0 && scope.denyPatterns.length === 0;
}

const GLOB_CHARS = /[*?[\]{}\\!]/;

/**
 * rg `--glob=!name` exclusions for the deny patterns that mean "anything named `name`, at any depth"
 * (`name`, `**\/name`, `**\/name/**`): for paths below the search root that is exactly what the
 * exclusion skips, so rg does not even walk denied trees. Only a saving: every reported path is
 * still checked against the scope (a symlink can lead into a denied place under another name).
 */
export function denyPruneGlobs(scope: PathScope): string[] {
  const globs: string[] = [];
  for (const raw of scope.denyPatterns) {
    let p = raw.startsWith("./") ? raw.slice(2) : raw;
    p = p.replace(/\/+$/, "");
    if (p.startsWith("**/")) p = p.slice(3);
    else if (p.startsWith("/") || p.startsWith("**")) continue;
    if (p.endsWith("/**")) p = p.slice(0, -3);
    if (p.length === 0 || p.includes("/") || GLOB_CHARS.test(p)) continue;
    globs.push(`--glob=!${p}`);
  }
  return globs;
}

function join(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/**
 * Decides whether a path a search reported (relative to the canonical search root) is in scope.
 * Paths reached through symlinks are judged by their real path and by the name they were reached
 * under (a link called .env is still denied). Real directories are resolved once each.
 */
export class ReportedPathScope {
  private readonly root: string;
  private readonly scope: PathScope;
  private readonly dirs = new Map<string, string | null>();

  constructor(root: string, scope: PathScope) {
    this.root = root;
    this.scope = scope;
  }

  /** Real path of a directory below the root, null when it cannot be resolved. */
  realDir(dirRel: string): string | null {
    let real = this.dirs.get(dirRel);
    if (real === undefined) {
      try {
        real = dirRel === "" ? this.root : realpathSync.native(join(this.root, dirRel));
      } catch {
        real = null;
      }
      this.dirs.set(dirRel, real);
    }
    return real;
  }

  /** Whether the file or directory at `rel` may be shown. */
  allowed(rel: string, isDir = false): boolean {
    const logical = join(this.root, rel);
    let real: string | null;
    if (isDir) {
      real = this.realDir(rel);
    } else {
      const slash = rel.lastIndexOf("/");
      const dir = this.realDir(slash < 0 ? "" : rel.slice(0, slash));
      if (dir === null) return false;
      real = join(dir, rel.slice(slash + 1));
      try {
        if (lstatSync(logical).isSymbolicLink()) real = realpathSync.native(logical);
      } catch {
        return false;
      }
    }
    if (real === null || !this.scope.isAllowed(real)) return false;
    return real === logical || this.scope.isAllowed(logical);
  }
}
