import { lstatSync } from "node:fs";
import { z } from "zod";
import { ErrorCode, ioError, quoted, ToolError, textResult } from "../core/errors.js";
import { sessionClosed } from "../core/session-errors.js";
import type { ToolConfig } from "../core/tool-config.js";
import {
  defineTool,
  formatInvalidInput,
  type ToolContext,
  type ToolDefinition,
} from "../core/tool-registry.js";
import { compileGlob, globSyntaxError } from "./glob-pattern.js";
import { MtimeList } from "./mtime-list.js";
import { filesArgs } from "./rg-args.js";
import { resolveRgPath } from "./rg-path.js";
import { runRg } from "./rg-runner.js";
import { LinePager, LineSplitter, SEARCH_OUTPUT_LIMIT } from "./search-output.js";
import {
  denyPruneGlobs,
  ReportedPathScope,
  resolveSearchRoot,
  type SearchRoot,
  scopeIsOpen,
} from "./search-scope.js";

/**
 * Whether `b[start, start+len)` equals `a[0, aLen)`. A plain loop from the end (sibling paths
 * differ last): cheaper than Buffer#compare's call overhead for the short runs compared per line.
 */
function sameBytes(a: Buffer, aLen: number, b: Buffer, start: number, len: number): boolean {
  if (aLen !== len) return false;
  for (let i = len - 1; i >= 0; i--) if (a[i] !== b[start + i]) return false;
  return true;
}

function endsWith(buf: Buffer, end: number, suffix: Buffer): boolean {
  const n = suffix.length;
  if (end < n) return false;
  for (let i = 1; i <= n; i++) if (buf[end - i] !== suffix[n - i]) return false;
  return true;
}

export const GLOB_TYPES = ["file", "directory"] as const;
type GlobType = (typeof GLOB_TYPES)[number];

const patternField = z
  .string()
  .describe(
    "Glob to match: `*`, `**`, `?`, `{a,b}`, `[abc]`, `[a-z]`, `[!a]`. Matched against the path relative to " +
      "the search directory and against the base name: `*.go` finds Go files at any depth, `src/**/*.go` " +
      "only under src.",
  );
const pathField = z
  .string()
  .optional()
  .describe("Directory to search. Default: the current working directory.");
const typeField = z
  .string()
  .optional()
  .meta({ enum: [...GLOB_TYPES], description: "Only files, or only directories. Default: both." });

const fullSchema = z.object({ pattern: patternField, path: pathField, type: typeField });
const standardSchema = z.looseObject({ pattern: patternField, path: pathField, type: typeField });
const compatSchema = z.looseObject({ pattern: patternField, path: pathField });

const DESCRIPTION =
  "Find files and directories by name with a glob pattern. Returns paths relative to the searched directory, " +
  "newest modification first. Includes hidden files, honours .gitignore (also outside git repositories), " +
  "skips .git and node_modules, does not descend into directory symlinks. Output is cut at 30000 characters.";

async function glob(raw: Record<string, unknown>, ctx: ToolContext) {
  const parsed = fullSchema.safeParse(raw);
  if (!parsed.success)
    throw new ToolError(ErrorCode.INVALID_INPUT, formatInvalidInput("glob", parsed.error, raw));
  const { pattern, path: given, type } = parsed.data;
  if (pattern.length === 0) {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      "glob: 'pattern' is empty. Give a glob such as \"**/*.ts\".",
    );
  }
  const why = globSyntaxError(pattern);
  if (why) {
    throw new ToolError(
      ErrorCode.GLOB_INVALID_PATTERN,
      `glob: pattern ${quoted(pattern)} is invalid: ${why}. ` +
        "Supported: * ** ? {a,b} [abc] [a-z] [!a]; escape a literal special character with a backslash.",
    );
  }
  if (type !== undefined && !(GLOB_TYPES as readonly string[]).includes(type)) {
    throw new ToolError(
      ErrorCode.GLOB_INVALID_TYPE,
      `glob: type ${JSON.stringify(type)} is not one of ${GLOB_TYPES.join(", ")}. Omit it to list both.`,
    );
  }
  const want = type as GlobType | undefined;
  const { config } = ctx;
  let found: SearchRoot;
  try {
    found = await resolveSearchRoot(given, ctx);
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw ioError("glob: stat", given || ctx.session.cwd, err);
  }
  const { target, stats: st, path: root } = found;
  if (!st) return textResult("No files found");
  if (!st.isDirectory()) {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      `glob: ${target} is a file, not a directory. Give the directory to search in 'path'.`,
    );
  }

  const matcher = compileGlob(pattern);
  const scope = scopeIsOpen(config.pathScope) ? undefined : new ReportedPathScope(root, config.pathScope);
  const list = new MtimeList();
  const rootSlash = root.endsWith("/") ? root : `${root}/`;

  // rg lists files only: directories are the ancestors of the files it reports. Each is seen once;
  // whether it is a directory symlink (glob does not descend into those; rg --follow did) is asked
  // of the OS only when a match depends on it.
  const seen = new Set<string>([""]);
  const linked = new Map<string, boolean>([["", false]]);
  const behindLink = (rel: string): boolean => {
    let v = linked.get(rel);
    if (v === undefined) {
      const slash = rel.lastIndexOf("/");
      v = behindLink(slash < 0 ? "" : rel.slice(0, slash));
      if (!v) {
        try {
          v = lstatSync(rootSlash + rel).isSymbolicLink();
        } catch {
          v = true; // Gone since rg saw it: leave it out.
        }
      }
      linked.set(rel, v);
    }
    return v;
  };
  const newDir = (rel: string): void => {
    for (let d = rel; !seen.has(d); ) {
      seen.add(d);
      if (want !== "file" && matcher.matches(d) && !behindLink(d) && (!scope || scope.allowed(d, true))) {
        list.add(d, rootSlash + d);
      }
      const slash = d.lastIndexOf("/");
      d = slash < 0 ? "" : d.slice(0, slash);
    }
  };

  // rg lists a directory's files together: the directory part is compared as bytes with the
  // previous line's and decoded only when it changes; for name-only patterns only the base name is
  // decoded before matching. A walk of 80k files then allocates little beyond the matches.
  let lastDirBytes = Buffer.alloc(256);
  let lastDirLen = -1;
  let lastDir = "";
  let lastDirAbs = root;
  const sink = (buf: Buffer, start: number, end: number): boolean => {
    if (end === start) return false;
    let slash = buf.lastIndexOf(0x2f, end - 1);
    if (slash < start) slash = -1;
    if (slash >= 0) {
      const len = slash - start;
      if (!sameBytes(lastDirBytes, lastDirLen, buf, start, len)) {
        if (len > lastDirBytes.length) lastDirBytes = Buffer.alloc(len * 2);
        for (let i = 0; i < len; i++) lastDirBytes[i] = buf[start + i] as number;
        lastDirLen = len;
        lastDir = buf.toString("utf8", start, slash);
        lastDirAbs = rootSlash + lastDir;
        newDir(lastDir);
      }
    }
    if (want === "directory") return false;
    // The list keeps rg's bytes; the one string made per match is the absolute path to stat.
    let abs: string;
    let rel: string | undefined;
    if (matcher.baseNameOnly) {
      const suffix = matcher.baseNameSuffix;
      if (suffix && !endsWith(buf, end, suffix)) return false;
      const name = buf.toString("utf8", slash < 0 ? start : slash + 1, end);
      if (!matcher.matchesBaseName(name)) return false;
      abs = slash < 0 ? rootSlash + name : `${lastDirAbs}/${name}`;
    } else {
      rel = buf.toString("utf8", start, end);
      if (!matcher.matches(rel)) return false;
      abs = rootSlash + rel;
    }
    if (slash >= 0 && behindLink(lastDir)) return false;
    if (scope && !scope.allowed(rel ?? buf.toString("utf8", start, end))) return false;
    list.add("", abs, buf, start, end);
    return false;
  };

  // Only files are wanted and only their name decides: rg filters by name itself (as a type, which
  // keeps .gitignore in force, where --glob would override it). Directories need every file.
  const nameGlobs =
    want === "file" && matcher.baseNameGlob !== undefined ? [matcher.baseNameGlob] : undefined;
  const args = filesArgs(denyPruneGlobs(config.pathScope), nameGlobs);
  const splitter = new LineSplitter(sink, 64 * 1024, 0);
  const rg = await runRg(
    await resolveRgPath(config),
    { args, cwd: root, onChunk: (c) => splitter.push(c) },
    ctx,
  );
  if (rg.stop === "closed") throw sessionClosed();
  if (rg.stop === "cancelled") return textResult("Search cancelled.");
  if (rg.stop === "done") splitter.end();

  const total = list.size;
  let text: string;
  if (total === 0) {
    text = "No files found";
  } else {
    const pager = new LinePager({ offset: 0, headLimit: 0, maxChars: SEARCH_OUTPUT_LIMIT });
    for (const name of list.newestFirst()) if (pager.pushString(name)) break;
    text = pager.text();
    if (pager.cut) {
      text +=
        `\n\n[Output cut at ${SEARCH_OUTPUT_LIMIT.toLocaleString("en-US")} characters: showing the ` +
        `${pager.lines.length} newest of ${total} paths. Narrow the pattern or the path to see the others.]`;
    }
  }
  if (rg.stop === "timeout") {
    const secs = Math.round(config.searchTimeoutMs / 100) / 10;
    text +=
      `\n\n[The walk was stopped at its ${secs} s deadline; the list is incomplete. ` +
      "Search a smaller directory or a more specific pattern.]";
  }
  return textResult(text);
}

/** The glob tool; in compat mode it advertises only `pattern` and `path` (type is still accepted). */
export function globTool(config: ToolConfig): ToolDefinition {
  return defineTool({
    name: "glob",
    description: DESCRIPTION,
    inputSchema: config.anthropicCompat ? compatSchema : standardSchema,
    annotations: { title: "Find files by name", readOnlyHint: true, openWorldHint: false },
    handler: (args, ctx) => glob(args as Record<string, unknown>, ctx),
  });
}
