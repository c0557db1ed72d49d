import path from "node:path";
import picomatch from "picomatch";
import { canonicalize, canonicalizeSync, LinkLoopError } from "./canonical-path.js";

/** Result of resolving a user-supplied path against the scope. */
export type ScopedPath =
  | { readonly ok: true; readonly path: string }
  /** `reason` is a complete sentence, ready for `[ACCESS_DENIED] ${reason}`. */
  | { readonly ok: false; readonly reason: string; readonly why: DenialKind };

/** Why a path was refused: outside every allow dir, matching a deny pattern, or not resolvable. */
export type DenialKind = "outside" | "denied" | "unresolvable";

/**
 * Path scoping for file tools (SPEC §5). `resolve` canonicalises (relative → cwd, `..` removed,
 * symlinks resolved, nearest existing ancestor for new paths) and checks allow dirs and deny
 * patterns (deny wins).
 */
export interface PathScope {
  resolve(path: string, cwd: string): Promise<ScopedPath>;
  /** Whether an already canonical absolute path is in scope (for paths a search reports). */
  isAllowed(canonicalPath: string): boolean;
  /**
   * Judges an already canonical path (the real path of an opened descriptor, a symlink's target) as
   * `resolve` would, naming it as `shown` in the reason.
   */
  check(canonicalPath: string, shown: string): ScopedPath;
  /** No allow dirs and no deny patterns: every path is in scope. */
  readonly unrestricted: boolean;
  readonly allowDirs: readonly string[];
  readonly denyPatterns: readonly string[];
}

export interface PathScopeOptions {
  /** Roots the file tools may reach; empty or absent = everything. Relative entries resolve against `cwd`. */
  readonly allowDirs?: readonly string[];
  /**
   * Glob patterns (picomatch, dotfiles included). A path is denied when it or any ancestor matches.
   * A pattern that does not start with `/` or `**` matches at any depth, as if prefixed with `**` and a slash.
   */
  readonly denyPatterns?: readonly string[];
  /** Base for relative allow dirs; defaults to `process.cwd()`. */
  readonly cwd?: string;
  /** What the allow dirs are, in the outside-reason: default "the allowed directories". */
  readonly allowedName?: string;
}

function anchored(pattern: string): string {
  const p = pattern.startsWith("./") ? pattern.slice(2) : pattern;
  return p.startsWith("/") || p.startsWith("**") ? p : `**/${p}`;
}

/** Creates the scope once at start-up; allow dirs are canonicalised here (synchronously). */
export function createPathScope(options: PathScopeOptions = {}): PathScope {
  const base = options.cwd ?? process.cwd();
  const allowDirs = [
    ...new Set((options.allowDirs ?? []).map((d) => canonicalizeSync(path.resolve(base, d)))),
  ];
  const denyPatterns = [...(options.denyPatterns ?? [])];
  const allowedName = options.allowedName ?? "the allowed directories";

  // "/a/b" is inside "/a" but "/ab" is not: compare against the dir plus a trailing separator.
  const prefixes = allowDirs.map((d) => (d.endsWith(path.sep) ? d : d + path.sep));
  const inAllowed = (p: string): boolean => {
    if (allowDirs.length === 0) return true;
    for (let i = 0; i < allowDirs.length; i++) {
      if (p === allowDirs[i] || p.startsWith(prefixes[i] as string)) return true;
    }
    return false;
  };

  // `P/**` matches exactly the descendants of whatever matches P, so one combined matcher covers
  // "the path or any ancestor matches" without walking the ancestors.
  const perPattern = denyPatterns.map((pattern) => {
    const a = anchored(pattern);
    const below = `${a.replace(/\/+$/, "")}/**`;
    return {
      pattern,
      globs: [a, below],
      self: picomatch(a, { dot: true }),
      below: picomatch(below, { dot: true }),
    };
  });
  const anyDeny =
    perPattern.length === 0
      ? undefined
      : picomatch(
          perPattern.flatMap((d) => d.globs),
          { dot: true },
        );
  const denied = (p: string): boolean => anyDeny?.(p) === true;
  const denyReason = (shown: string, p: string): string => {
    for (const d of perPattern) {
      if (d.self(p)) return `${shown} matches the deny pattern ${d.pattern}; access to it is not permitted.`;
      if (d.below(p)) {
        return `${shown} is inside a directory matching the deny pattern ${d.pattern}; access to it is not permitted.`;
      }
    }
    return `${shown} is denied by the deny patterns ${denyPatterns.join(", ")}.`;
  };

  const judge = (canonical: string, lexical: string, shown: string): ScopedPath => {
    // Deny is checked on the name as written too: a symlink called .env is still ".env".
    for (const candidate of lexical === canonical ? [canonical] : [lexical, canonical]) {
      if (denied(candidate)) return { ok: false, why: "denied", reason: denyReason(shown, candidate) };
    }
    if (!inAllowed(canonical)) {
      return {
        ok: false,
        why: "outside",
        reason: `${shown} is outside ${allowedName}: ${allowDirs.join(", ")}. Use a path inside one of them.`,
      };
    }
    return { ok: true, path: canonical };
  };

  return {
    allowDirs,
    denyPatterns,
    unrestricted: allowDirs.length === 0 && denyPatterns.length === 0,
    isAllowed(canonicalPath: string): boolean {
      return inAllowed(canonicalPath) && !denied(canonicalPath);
    },
    check(canonicalPath: string, shown: string): ScopedPath {
      return judge(canonicalPath, canonicalPath, shown);
    },
    async resolve(given: string, cwd: string): Promise<ScopedPath> {
      if (given.includes("\0")) {
        return {
          ok: false,
          why: "unresolvable",
          reason: "the path contains a NUL character; pass a plain file path.",
        };
      }
      const lexical = path.resolve(cwd, given);
      let canonical: string;
      try {
        canonical = await canonicalize(lexical);
      } catch (err) {
        const why =
          err instanceof LinkLoopError || (err as NodeJS.ErrnoException)?.code === "ELOOP"
            ? "too many levels of symbolic links"
            : ((err as Error)?.message ?? String(err));
        return { ok: false, why: "unresolvable", reason: `${given} cannot be resolved: ${why}.` };
      }
      const shown = canonical === given ? given : `${given} (resolves to ${canonical})`;
      return judge(canonical, lexical, shown);
    },
  };
}
