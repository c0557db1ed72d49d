import type { Stats } from "node:fs";
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
import { compileGlob, type GlobMatcher, globSyntaxError } from "./glob-pattern.js";
import { MtimeList } from "./mtime-list.js";
import { type GrepOutputShape, grepArgs } from "./rg-args.js";
import { resolveRgPath } from "./rg-path.js";
import { type RgResult, runRg } from "./rg-runner.js";
import { FILE_TYPE_NAMES, fileTypeGlobs } from "./rg-types.js";
import { cutNote, LinePager, LineSplitter, SEARCH_OUTPUT_LIMIT } from "./search-output.js";
import {
  denyPruneGlobs,
  ReportedPathScope,
  resolveSearchRoot,
  type SearchRoot,
  scopeIsOpen,
} from "./search-scope.js";

export const OUTPUT_MODES = ["files_with_matches", "content", "count"] as const;
type OutputMode = (typeof OUTPUT_MODES)[number];

/** Longest line kept while splitting rg's output: the cap plus room for a path, in UTF-8 bytes. */
const MAX_LINE_BYTES = SEARCH_OUTPUT_LIMIT * 4 + 8192;

const count = (description: string) => z.number().int().min(0).optional().describe(description);
const TYPE_LIST = FILE_TYPE_NAMES.join(", ");

const common = {
  pattern: z
    .string()
    .describe(
      "Regular expression to search file contents for, in ripgrep's (Rust regex) syntax, e.g. `log.*Error`, " +
        "`function\\s+\\w+`; `(?i)` and `(?s)` work. Escape literal special characters: `interface\\{\\}`.",
    ),
  path: z
    .string()
    .optional()
    .describe("File or directory to search. Default: the current working directory."),
};
const modeField = z
  .string()
  .optional()
  .meta({
    enum: [...OUTPUT_MODES],
    description:
      '"files_with_matches" (default): paths of matching files, newest first. "content": matching lines as ' +
      "path:line:text (context lines path-line-text, `--` between groups). " +
      '"count": path:N, the number of matching lines per file.',
  });
const typeField = z
  .string()
  .optional()
  .describe(
    `File type to search (like ripgrep's --type): ${TYPE_LIST}; aliases python, typescript, markdown.`,
  );
const multilineField = z
  .boolean()
  .optional()
  .describe(
    "Let a match span lines: `.` matches newline and each file is matched as a whole. Default false.",
  );
const headLimitField = count(
  "Return at most this many output lines/entries, after `offset` (like `| head -N`). 0 = no limit; " +
    "the output is cut at 30000 characters either way.",
);
const offsetField = count("Skip this many output lines/entries first (like `| tail -n +N+1`), to page.");

const standardOnly = {
  include: z
    .string()
    .optional()
    .describe(
      "Glob selecting the files to search, matched against the path relative to the search root, then the " +
        "file name: `*.ts`, `*.{ts,tsx}`, `src/**/*.py`.",
    ),
  case_insensitive: z.boolean().optional().describe("Match without regard to case. Default false."),
  line_numbers: z.boolean().optional().describe("Show line numbers (content mode). Default true."),
  context_before: count("Lines shown before each match (content mode)."),
  context_after: count("Lines shown after each match (content mode)."),
  context: count("Lines shown before and after each match (content mode)."),
};

const compatOnly = {
  glob: z
    .string()
    .optional()
    .describe('Glob to filter files (e.g. "*.js", "*.{ts,tsx}", "src/**/*.py"), like rg --glob.'),
  "-i": z.boolean().optional().describe("Case insensitive search (rg -i)."),
  "-n": z
    .boolean()
    .optional()
    .describe('Show line numbers in output (rg -n). Default true. Requires output_mode: "content".'),
  "-A": count('Number of lines to show after each match (rg -A). Requires output_mode: "content".'),
  "-B": count('Number of lines to show before each match (rg -B). Requires output_mode: "content".'),
  "-C": count(
    'Number of lines to show before and after each match (rg -C). Requires output_mode: "content".',
  ),
};

/** Both name sets: the handler accepts either, whichever set the schema advertises. */
const fullSchema = z.object({
  ...common,
  output_mode: modeField,
  type: typeField,
  multiline: multilineField,
  head_limit: headLimitField,
  offset: offsetField,
  ...standardOnly,
  ...compatOnly,
});
type GrepArgs = z.output<typeof fullSchema>;

const standardSchema = z.looseObject({
  ...common,
  include: standardOnly.include,
  type: typeField,
  output_mode: modeField,
  case_insensitive: standardOnly.case_insensitive,
  line_numbers: standardOnly.line_numbers,
  context_before: standardOnly.context_before,
  context_after: standardOnly.context_after,
  context: standardOnly.context,
  multiline: multilineField,
  head_limit: headLimitField,
  offset: offsetField,
});

const compatSchema = z.looseObject({
  ...common,
  glob: compatOnly.glob,
  output_mode: modeField,
  "-B": compatOnly["-B"],
  "-A": compatOnly["-A"],
  "-C": compatOnly["-C"],
  "-n": compatOnly["-n"],
  "-i": compatOnly["-i"],
  type: typeField,
  head_limit: headLimitField,
  offset: offsetField,
  multiline: multilineField,
});

const DESCRIPTION =
  "Search file contents with a regular expression (ripgrep). Searches hidden files, honours .gitignore " +
  "(also outside git repositories), skips .git, node_modules, binary files and files over the size limit, " +
  "follows directory symlinks. Paths are relative to the searched directory. Use output_mode to get matching " +
  "files (default, newest first), matching lines with optional context, or counts; page with offset and " +
  "head_limit. Output is cut at 30000 characters with a note.";

/** The same setting under its standard and its Claude Code name: one value, or both equal. */
function either<T>(args: GrepArgs, standard: keyof GrepArgs, compat: keyof GrepArgs): T | undefined {
  const a = args[standard] as T | undefined;
  const b = args[compat] as T | undefined;
  if (a !== undefined && b !== undefined && a !== b) {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      `grep: '${standard}' and '${compat}' are the same setting and were given different values ` +
        `(${JSON.stringify(a)} and ${JSON.stringify(b)}). Give only one of them.`,
    );
  }
  return a ?? b;
}

interface GrepRequest {
  readonly pattern: string;
  readonly mode: OutputMode;
  readonly typeName: string | undefined;
  readonly typeGlobs: readonly string[] | undefined;
  readonly include: string | undefined;
  readonly caseInsensitive: boolean;
  readonly lineNumbers: boolean;
  readonly before: number;
  readonly after: number;
  readonly multiline: boolean;
  readonly headLimit: number;
  readonly offset: number;
}

/** Longest pattern passed to rg, in bytes. */
const MAX_PATTERN_BYTES = 65_536;

function parseRequest(raw: Record<string, unknown>): { req: GrepRequest; path: string | undefined } {
  const parsed = fullSchema.safeParse(raw);
  if (!parsed.success)
    throw new ToolError(ErrorCode.INVALID_INPUT, formatInvalidInput("grep", parsed.error, raw));
  const args = parsed.data;
  if (args.pattern.length === 0) {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      "grep: 'pattern' is empty. Give a regular expression to search for, e.g. pattern: \"TODO\".",
    );
  }
  const patternBytes = Buffer.byteLength(args.pattern);
  if (patternBytes > MAX_PATTERN_BYTES) {
    // The kernel refuses a single argument over 128 KiB; long before that it is no longer a search.
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      `grep: 'pattern' is ${patternBytes} bytes long; at most ${MAX_PATTERN_BYTES} are accepted. Search for a shorter, distinctive part.`,
    );
  }
  const mode = args.output_mode ?? "files_with_matches";
  if (!(OUTPUT_MODES as readonly string[]).includes(mode)) {
    throw new ToolError(
      ErrorCode.GREP_INVALID_OUTPUT_MODE,
      `grep: output_mode ${JSON.stringify(mode)} is not one of ${OUTPUT_MODES.join(", ")}. ` +
        "Use files_with_matches for paths, content for matching lines, count for per-file counts.",
    );
  }
  let typeGlobs: readonly string[] | undefined;
  if (args.type !== undefined) {
    typeGlobs = fileTypeGlobs(args.type);
    if (!typeGlobs) {
      throw new ToolError(
        ErrorCode.INVALID_INPUT,
        `grep: unknown type ${JSON.stringify(args.type)}. Valid types: ${TYPE_LIST} ` +
          "(aliases: python, typescript, markdown, javascript, ruby, …). Or use include with a glob.",
      );
    }
  }
  const include = either<string>(args, "include", "glob");
  if (include !== undefined) {
    const why = include.length === 0 ? "it is empty" : globSyntaxError(include);
    if (why) {
      throw new ToolError(
        ErrorCode.INVALID_INPUT,
        `grep: include glob ${quoted(include)} is invalid: ${why}. ` +
          "Examples: *.ts, *.{ts,tsx}, src/**/*.py.",
      );
    }
  }
  const context = either<number>(args, "context", "-C");
  const req: GrepRequest = {
    pattern: args.pattern,
    mode: mode as OutputMode,
    typeName: args.type,
    typeGlobs,
    include,
    caseInsensitive: either<boolean>(args, "case_insensitive", "-i") ?? false,
    lineNumbers: either<boolean>(args, "line_numbers", "-n") ?? true,
    before: either<number>(args, "context_before", "-B") ?? context ?? 0,
    after: either<number>(args, "context_after", "-A") ?? context ?? 0,
    multiline: args.multiline ?? false,
    headLimit: args.head_limit ?? 0,
    offset: args.offset ?? 0,
  };
  return { req, path: args.path };
}

/** Turns a failed rg run (exit 2, nothing found) into the error the caller can act on. */
function rgFailure(req: GrepRequest, stderr: string): ToolError | undefined {
  const text = stderr.replace(/^rg: /gm, "").trim();
  if (text.length === 0) return undefined;
  if (/literal "\\n" is not allowed/.test(text)) {
    return new ToolError(
      ErrorCode.GREP_INVALID_PATTERN,
      `grep: pattern ${quoted(req.pattern)} contains a line break, which only matches with multiline: true. ` +
        "Set multiline: true, or search for one line at a time.",
    );
  }
  if (/regex parse error|error parsing regex|exceeds size limit|regex/i.test(text)) {
    const reason = /^error: (.*)$/m.exec(text)?.[1] ?? text.split("\n")[0];
    return new ToolError(
      ErrorCode.GREP_INVALID_PATTERN,
      `grep: pattern ${quoted(req.pattern)} is not a valid regular expression: ${reason}. ` +
        "Patterns use ripgrep's (Rust regex) syntax; escape literal special characters with a backslash, " +
        "e.g. \\( \\[ \\{ \\. \\* \\+ \\?.",
    );
  }
  if (/glob|definition/i.test(text)) {
    return new ToolError(
      ErrorCode.INVALID_INPUT,
      `grep: ripgrep rejected the file filter (include ${quoted(req.include ?? "")}): ${text.split("\n")[0]}.`,
    );
  }
  return new ToolError(ErrorCode.IO_ERROR, `grep: ripgrep failed: ${text.split("\n")[0]}.`);
}

/** Where and how to search, once the root is known. */
interface Plan {
  readonly req: GrepRequest;
  /** rg's working directory: the canonical root for a directory, the session cwd for a file. */
  readonly cwd: string;
  /** The file as given (single-file search), else undefined. */
  readonly file: string | undefined;
  /** Canonical path of the single file (for its mtime). */
  readonly canonicalFile: string | undefined;
  /** Checks reported paths against the scope; undefined when every path may be shown. */
  readonly scope: ReportedPathScope | undefined;
  /** Include glob applied here (rg cannot apply it without overriding .gitignore). */
  readonly include: GlobMatcher | undefined;
  /** File-name globs for rg (the type, the include, or a prefilter for `include`). */
  readonly typeGlobs: readonly string[] | undefined;
  readonly excludes: readonly string[];
}

function plan(
  req: GrepRequest,
  config: ToolConfig,
  cwd: string,
  canonical: string,
  st: Stats,
  given: string | undefined,
): Plan {
  const isDir = st.isDirectory();
  const scope =
    isDir && !scopeIsOpen(config.pathScope) ? new ReportedPathScope(canonical, config.pathScope) : undefined;
  let typeGlobs = req.typeGlobs;
  let include: GlobMatcher | undefined;
  // rg explicitly given a file ignores type and glob filters; so do we.
  if (isDir && req.include !== undefined) {
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
    cwd: isDir ? canonical : cwd,
    file: isDir ? undefined : (given as string),
    canonicalFile: isDir ? undefined : canonical,
    scope,
    include,
    typeGlobs,
    excludes: isDir ? denyPruneGlobs(config.pathScope) : [],
  };
}

/** Whether a reported path (relative to the root) passes the scope and the include glob. */
function pathFilter(p: Plan): ((rel: string) => boolean) | undefined {
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

interface Outcome {
  readonly rg: RgResult;
  readonly text: string;
  /** Nothing at all was found (as opposed to nothing left after the offset). */
  readonly empty: boolean;
}

const NUL = 0;

function pageOptions(req: GrepRequest) {
  return { offset: req.offset, headLimit: req.headLimit, maxChars: SEARCH_OUTPUT_LIMIT };
}

/** content and count modes: rg's lines are the output, streamed and capped. */
async function searchLines(p: Plan, rgPath: string, ctx: ToolContext): Promise<Outcome> {
  const { req } = p;
  const filter = pathFilter(p);
  const pager = new LinePager(pageOptions(req));
  const countLines = req.mode === "count" && req.multiline;
  let shape: GrepOutputShape;
  let sink: (buf: Buffer, start: number, end: number) => boolean;

  if (countLines) {
    // rg -c counts matches in multiline mode; the spec counts lines: count rg's match lines per file.
    shape = "lines-nul";
    let current: string | undefined;
    let n = 0;
    const flush = (): boolean => {
      if (current === undefined || (filter && !filter(current))) return false;
      return pager.pushString(`${current}:${n}`);
    };
    sink = (buf, start, end) => {
      const nul = buf.indexOf(NUL, start);
      if (nul < 0 || nul >= end) return false;
      const rel = buf.toString("utf8", start, nul);
      if (rel === current) {
        n++;
        return false;
      }
      const enough = flush();
      current = rel;
      n = 1;
      return enough;
    };
    const result = await run(p, rgPath, shape, ctx, sink, () => {
      flush();
      current = undefined;
    });
    return finishLines(p, pager, result, "entries");
  }

  if (!filter) {
    shape = req.mode === "count" ? "count" : "lines";
    sink = (buf, start, end) => pager.push(buf, start, end);
  } else if (req.mode === "count") {
    shape = "count-nul";
    sink = (buf, start, end) => {
      const nul = buf.indexOf(NUL, start);
      if (nul < 0 || nul >= end) return false;
      const rel = buf.toString("utf8", start, nul);
      if (!filter(rel)) return false;
      return pager.pushString(`${rel}:${buf.toString("utf8", nul + 1, end)}`);
    };
  } else {
    shape = "lines-nul";
    // Lines of files left out take their `--` group separators with them.
    let pendingSeparator = false;
    let emitted = false;
    sink = (buf, start, end) => {
      const nul = buf.indexOf(NUL, start);
      if (nul < 0 || nul >= end) {
        if (end - start === 2 && buf[start] === 0x2d && buf[start + 1] === 0x2d) pendingSeparator = true;
        return false;
      }
      if (!filter(buf.toString("utf8", start, nul))) return false;
      if (pendingSeparator && emitted && pager.pushString("--")) return true;
      pendingSeparator = false;
      emitted = true;
      return pager.pushString(buf.toString("utf8", start, end).replaceAll("\0", ""));
    };
  }
  const result = await run(p, rgPath, shape, ctx, sink);
  return finishLines(p, pager, result, req.mode === "count" ? "entries" : "lines");
}

function finishLines(p: Plan, pager: LinePager, rg: RgResult, unit: string): Outcome {
  const { req } = p;
  if (pager.lines.length === 0) {
    if (pager.seen === 0) return { rg, text: "No matches found", empty: true };
    return {
      rg,
      text: `No ${unit} at offset ${req.offset}: the ${req.mode} output has ${pager.seen} ${unit}. Use a smaller offset.`,
      empty: false,
    };
  }
  let text = pager.text();
  if (pager.cut) text += `\n\n${cutNote(pager, unit, NARROW)}`;
  return { rg, text, empty: false };
}

const NARROW = "path, pattern, include or type, or head_limit";

/** files_with_matches: every matching path is needed to sort by mtime; stat them as they stream in. */
async function searchFiles(p: Plan, rgPath: string, ctx: ToolContext): Promise<Outcome> {
  const filter = pathFilter(p);
  const list = new MtimeList();
  const root = p.cwd;
  const sink = (buf: Buffer, start: number, end: number): boolean => {
    if (end === start) return false;
    const rel = buf.toString("utf8", start, end);
    if (filter && !filter(rel)) return false;
    const abs = p.canonicalFile ?? (root.endsWith("/") ? root + rel : `${root}/${rel}`);
    list.add(rel, abs, buf, start, end);
    return false;
  };
  const rg = await run(p, rgPath, "files", ctx, sink, undefined, NUL);
  const total = list.size;
  if (total === 0) return { rg, text: "No files found", empty: true };
  const pager = new LinePager(pageOptions(p.req));
  for (const name of list.newestFirst()) if (pager.pushString(name)) break;
  if (pager.lines.length === 0) {
    return {
      rg,
      text: `No files at offset ${p.req.offset}: ${total} files matched. Use a smaller offset.`,
      empty: false,
    };
  }
  let text = pager.text();
  if (pager.cut) text += `\n\n${cutNote(pager, "files", NARROW, total)}`;
  return { rg, text, empty: false };
}

async function run(
  p: Plan,
  rgPath: string,
  shape: GrepOutputShape,
  ctx: ToolContext,
  sink: (buf: Buffer, start: number, end: number) => boolean,
  onEnd?: () => void,
  delimiter = 0x0a,
): Promise<RgResult> {
  const { req } = p;
  const args = grepArgs({
    pattern: req.pattern,
    shape,
    caseInsensitive: req.caseInsensitive,
    multiline: req.multiline,
    lineNumbers: req.lineNumbers,
    before: req.mode === "content" ? req.before : 0,
    after: req.mode === "content" ? req.after : 0,
    maxFileSize: ctx.config.maxFileSize,
    typeGlobs: p.typeGlobs,
    excludes: p.excludes,
    file: p.file,
  });
  const splitter = new LineSplitter(sink, MAX_LINE_BYTES, delimiter);
  let ended = false;
  const result = await runRg(rgPath, { args, cwd: p.cwd, onChunk: (chunk) => splitter.push(chunk) }, ctx);
  if (result.stop === "done") ended = splitter.end();
  if (!ended) onEnd?.();
  return result;
}

async function grep(raw: Record<string, unknown>, ctx: ToolContext): Promise<ReturnType<typeof textResult>> {
  const { req, path: given } = parseRequest(raw);
  const { session, config } = ctx;
  let found: SearchRoot;
  try {
    found = await resolveSearchRoot(given, ctx);
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw ioError("grep: stat", given || session.cwd, err);
  }
  const { target, stats: st, error } = found;
  if (!st) throw ioError("grep: stat", target, error);
  if (!st.isDirectory() && st.size > config.maxFileSize) {
    throw new ToolError(
      ErrorCode.FILE_TOO_LARGE,
      `grep: ${target} is ${st.size} bytes, over the ${config.maxFileSize}-byte file size limit. ` +
        "Search a smaller file, or raise --max-file-size.",
    );
  }
  const p = plan(
    req,
    config,
    session.cwd,
    found.path,
    st,
    given === undefined || given === "" ? undefined : given,
  );
  const rgPath = await resolveRgPath(config);
  const out =
    req.mode === "files_with_matches" ? await searchFiles(p, rgPath, ctx) : await searchLines(p, rgPath, ctx);

  switch (out.rg.stop) {
    case "closed":
      throw sessionClosed();
    case "cancelled":
      return textResult("Search cancelled.");
    case "timeout": {
      const secs = Math.round(config.searchTimeoutMs / 100) / 10;
      const note =
        `[The search was stopped at its ${secs} s deadline; the results are incomplete. ` +
        "Narrow it with path, include or type, or a more specific pattern.]";
      return textResult(
        out.empty ? `No matches found before the deadline.\n\n${note}` : `${out.text}\n\n${note}`,
      );
    }
    case "done":
      if (out.rg.code === 2 && out.empty) {
        const failure = rgFailure(req, out.rg.stderr);
        if (failure) throw failure;
      }
      return textResult(out.text);
    default:
      return textResult(out.text);
  }
}

/** The grep tool; its advertised argument names follow `config.anthropicCompat`. */
export function grepTool(config: ToolConfig): ToolDefinition {
  return defineTool({
    name: "grep",
    description: DESCRIPTION,
    inputSchema: config.anthropicCompat ? compatSchema : standardSchema,
    annotations: { title: "Search file contents", readOnlyHint: true, openWorldHint: false },
    handler: (args, ctx) => grep(args as Record<string, unknown>, ctx),
  });
}
