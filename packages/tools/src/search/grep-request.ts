import { z } from "zod";
import { ErrorCode, quoted } from "../core/errors.js";
import { argumentError } from "../core/tool-registry.js";
import { globSyntaxError } from "./glob-pattern.js";
import { FILE_TYPE_NAMES, fileTypeGlobs } from "./rg-types.js";

export const OUTPUT_MODES = ["files_with_matches", "content", "count"] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];

/** A grep call's arguments, checked and with both name sets folded into one. */
export interface GrepRequest {
  readonly pattern: string;
  /** The `path` argument; undefined for the session cwd. */
  readonly path: string | undefined;
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

const count = (description: string) => z.number().int().min(0).optional().describe(description);
const TYPE_LIST = FILE_TYPE_NAMES.join(", ");

/** The order every mode's results come in, as the description states it. */
export const RESULT_ORDER =
  "Results come newest file first (modification time; ties by path), a file's lines in line order, " +
  "the same order in every output mode and on every page.";

const fields = {
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
  output_mode: z
    .string()
    .optional()
    .meta({
      enum: [...OUTPUT_MODES],
      description:
        '"files_with_matches" (default): paths of matching files. "content": matching lines as ' +
        "path:line:text (context lines path-line-text, `--` between groups). " +
        '"count": path:N, the number of matching lines per file.',
    }),
  type: z
    .string()
    .optional()
    .describe(
      `File type to search (like ripgrep's --type): ${TYPE_LIST}; aliases python, typescript, markdown.`,
    ),
  multiline: z
    .boolean()
    .optional()
    .describe(
      "Let a match span lines: `.` matches newline and each file is matched as a whole. Default false.",
    ),
  head_limit: count(
    "Return at most this many output lines/entries, after `offset` (like `| head -N`). 0 = no limit; " +
      "the output is cut at 30000 characters either way, and a note says how to get the rest.",
  ),
  offset: count(
    "Skip this many output lines/entries first (like `| tail -n +N+1`), to page. Later pages of a " +
      "search that just ran are served from its result, so paging is cheap and every line comes once.",
  ),
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
  // Claude Code's names for the same settings (SPEC §3.8).
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

/** What `tools/list` shows: the standard names. */
export const standardSchema = z.object({
  pattern: fields.pattern,
  path: fields.path,
  include: fields.include,
  type: fields.type,
  output_mode: fields.output_mode,
  case_insensitive: fields.case_insensitive,
  line_numbers: fields.line_numbers,
  context_before: fields.context_before,
  context_after: fields.context_after,
  context: fields.context,
  multiline: fields.multiline,
  head_limit: fields.head_limit,
  offset: fields.offset,
});

/** What `tools/list` shows in compat mode: Claude Code's names. */
export const compatSchema = z.object({
  pattern: fields.pattern,
  path: fields.path,
  glob: fields.glob,
  output_mode: fields.output_mode,
  "-B": fields["-B"],
  "-A": fields["-A"],
  "-C": fields["-C"],
  "-n": fields["-n"],
  "-i": fields["-i"],
  type: fields.type,
  head_limit: fields.head_limit,
  offset: fields.offset,
  multiline: fields.multiline,
});

type Raw = z.output<z.ZodObject<typeof fields>>;
type Ctx = z.core.$RefinementCtx<Raw>;

function fail(ctx: Ctx, input: unknown, field: string, code: ErrorCode, message: string): void {
  ctx.addIssue({ code: "custom", message, input, path: [field], params: argumentError(code) });
}

/** The same setting under its standard and its Claude Code name: one value, or both equal. */
function either<K extends keyof Raw>(raw: Raw, ctx: Ctx, standard: K, compat: keyof Raw): Raw[K] {
  const a = raw[standard];
  const b = raw[compat] as Raw[K];
  if (a !== undefined && b !== undefined && a !== b) {
    fail(
      ctx,
      raw,
      standard,
      ErrorCode.INVALID_INPUT,
      `grep: '${standard}' and '${compat}' are the same setting and were given different values ` +
        `(${JSON.stringify(a)} and ${JSON.stringify(b)}). Give only one of them.`,
    );
  }
  return a ?? b;
}

/** Checks what the types alone cannot and folds the arguments into a GrepRequest. */
function toRequest(raw: Raw, ctx: Ctx): GrepRequest {
  if (raw.pattern.length === 0) {
    fail(
      ctx,
      raw.pattern,
      "pattern",
      ErrorCode.INVALID_INPUT,
      "grep: 'pattern' is empty. Give a regular expression to search for, e.g. pattern: \"TODO\".",
    );
  }
  const patternBytes = Buffer.byteLength(raw.pattern);
  if (patternBytes > MAX_PATTERN_BYTES) {
    // The kernel refuses a single argument over 128 KiB; long before that it is no longer a search.
    fail(
      ctx,
      raw.pattern,
      "pattern",
      ErrorCode.INVALID_INPUT,
      `grep: 'pattern' is ${patternBytes} bytes long; at most ${MAX_PATTERN_BYTES} are accepted. Search for a shorter, distinctive part.`,
    );
  }
  const mode = raw.output_mode ?? "files_with_matches";
  if (!(OUTPUT_MODES as readonly string[]).includes(mode)) {
    fail(
      ctx,
      mode,
      "output_mode",
      ErrorCode.GREP_INVALID_OUTPUT_MODE,
      `grep: output_mode ${JSON.stringify(mode)} is not one of ${OUTPUT_MODES.join(", ")}. ` +
        "Use files_with_matches for paths, content for matching lines, count for per-file counts.",
    );
  }
  let typeGlobs: readonly string[] | undefined;
  if (raw.type !== undefined) {
    typeGlobs = fileTypeGlobs(raw.type);
    if (!typeGlobs) {
      fail(
        ctx,
        raw.type,
        "type",
        ErrorCode.INVALID_INPUT,
        `grep: unknown type ${JSON.stringify(raw.type)}. Valid types: ${TYPE_LIST} ` +
          "(aliases: python, typescript, markdown, javascript, ruby, …). Or use include with a glob.",
      );
    }
  }
  const include = either(raw, ctx, "include", "glob");
  if (include !== undefined) {
    const why = include.length === 0 ? "it is empty" : globSyntaxError(include);
    if (why) {
      fail(
        ctx,
        include,
        raw.include !== undefined ? "include" : "glob",
        ErrorCode.INVALID_INPUT,
        `grep: ${raw.include !== undefined ? "include" : "glob"} ${quoted(include)} is invalid: ${why}. ` +
          "Examples: *.ts, *.{ts,tsx}, src/**/*.py.",
      );
    }
  }
  const context = either(raw, ctx, "context", "-C");
  return {
    pattern: raw.pattern,
    path: raw.path === "" ? undefined : raw.path,
    mode: mode as OutputMode,
    typeName: raw.type,
    typeGlobs,
    include,
    caseInsensitive: either(raw, ctx, "case_insensitive", "-i") ?? false,
    lineNumbers: either(raw, ctx, "line_numbers", "-n") ?? true,
    before: either(raw, ctx, "context_before", "-B") ?? context ?? 0,
    after: either(raw, ctx, "context_after", "-A") ?? context ?? 0,
    multiline: raw.multiline ?? false,
    headLimit: raw.head_limit ?? 0,
    offset: raw.offset ?? 0,
  };
}

/** Validates grep's arguments (either name set) into a GrepRequest, once. */
export const grepArguments = z.object(fields).transform(toRequest);
