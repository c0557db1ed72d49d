import { rgTypeArgs } from "./rg-types.js";

/**
 * Walk rules shared by grep and glob (SPEC §3.6, §3.7): hidden files included, .git and
 * node_modules skipped, .gitignore honoured at every level even outside a git repository, no
 * config file from the environment (RIPGREP_CONFIG_PATH), per-file errors (unreadable files,
 * broken links, symlink loops) left out of stderr so that stderr carries only fatal errors.
 */
export function walkArgs(extraExcludes: readonly string[]): string[] {
  return [
    "--no-config",
    "--no-messages",
    "--hidden",
    "--no-require-git",
    "--glob=!.git",
    "--glob=!node_modules",
    ...extraExcludes,
  ];
}

export type GrepOutputShape =
  /** `path:line:text` / `path-line-text`, exactly what the tool returns. */
  | "lines"
  /** Lines with a NUL after the path and after the line number, so the path can be cut off exactly. */
  | "lines-nul"
  /** `path:N` per file. */
  | "count"
  /** `path<NUL>N` per file. */
  | "count-nul"
  /** NUL-terminated paths of matching files. */
  | "files";

export interface GrepArgsOptions {
  readonly pattern: string;
  readonly shape: GrepOutputShape;
  readonly caseInsensitive: boolean;
  readonly multiline: boolean;
  readonly lineNumbers: boolean;
  readonly before: number;
  readonly after: number;
  readonly maxFileSize: number;
  /** File-name globs of the selected type (or of the include glob when rg applies it). */
  readonly typeGlobs: readonly string[] | undefined;
  /** Extra `--glob=!…` exclusions (deny patterns rg can prune). */
  readonly excludes: readonly string[];
  /** Files to search, in this order; empty to walk the working directory. */
  readonly paths: readonly string[];
  /**
   * Search `paths` one after the other, so each file's output comes in their order (rg's parallel
   * search prints files in whatever order its threads finish them).
   */
  readonly inOrder: boolean;
}

/** rg's arguments for one grep call. */
export function grepArgs(o: GrepArgsOptions): string[] {
  const args = walkArgs(o.excludes);
  // Directory symlinks are followed; rg detects loops. Files over the size limit are skipped.
  args.push("--follow", `--max-filesize=${o.maxFileSize}`, "--color=never");
  args.push(o.caseInsensitive ? "--ignore-case" : "--case-sensitive");
  if (o.multiline) args.push("--multiline", "--multiline-dotall");
  if (o.typeGlobs) args.push(...rgTypeArgs("boristype", o.typeGlobs));
  switch (o.shape) {
    case "files":
      args.push("--files-with-matches", "--null");
      break;
    case "count":
    case "count-nul":
      args.push("--count", "--with-filename");
      if (o.shape === "count-nul") args.push("--null");
      break;
    case "lines":
    case "lines-nul":
      args.push("--no-heading", "--with-filename", o.lineNumbers ? "--line-number" : "--no-line-number");
      if (o.before > 0) args.push(`--before-context=${o.before}`);
      if (o.after > 0) args.push(`--after-context=${o.after}`);
      if (o.shape === "lines-nul") {
        // rg reads the escape itself; argv cannot carry a NUL byte.
        args.push("--field-match-separator=\\x00:", "--field-context-separator=\\x00-");
      }
      break;
  }
  if (o.inOrder) args.push("--threads=1");
  args.push(`--regexp=${o.pattern}`);
  if (o.paths.length > 0) args.push("--", ...o.paths);
  return args;
}

/** rg's arguments for glob's walk: every file the walk rules reach, without following symlinks. */
export function filesArgs(excludes: readonly string[], nameGlobs: readonly string[] | undefined): string[] {
  const args = walkArgs(excludes);
  // --follow lists file symlinks (rg skips every symlink without it) and skips broken ones; glob
  // drops what lies behind a directory symlink itself.
  args.push("--files", "--follow", "--null");
  if (nameGlobs) args.push(...rgTypeArgs("borisname", nameGlobs));
  return args;
}
