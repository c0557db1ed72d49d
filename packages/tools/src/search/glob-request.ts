import { z } from "zod";
import { ErrorCode, quoted } from "../core/errors.js";
import { argumentError } from "../core/tool-registry.js";
import { compileGlob, type GlobMatcher, globSyntaxError } from "./glob-pattern.js";

export const GLOB_TYPES = ["file", "directory"] as const;
export type GlobType = (typeof GLOB_TYPES)[number];

/** A glob call's arguments, checked, with the pattern compiled. */
export interface GlobRequest {
  readonly pattern: string;
  readonly matcher: GlobMatcher;
  /** The `path` argument; undefined for the session cwd. */
  readonly path: string | undefined;
  /** Only files or only directories; undefined for both. */
  readonly type: GlobType | undefined;
}

const fields = {
  pattern: z
    .string()
    .describe(
      "Glob to match: `*`, `**`, `?`, `{a,b}`, `[abc]`, `[a-z]`, `[!a]`. Matched against the path relative to " +
        "the search directory and against the base name: `*.go` finds Go files at any depth, `src/**/*.go` " +
        "only under src.",
    ),
  path: z.string().optional().describe("Directory to search. Default: the current working directory."),
  type: z
    .string()
    .optional()
    .meta({ enum: [...GLOB_TYPES], description: "Only files, or only directories. Default: both." }),
};

/** What `tools/list` shows. */
export const standardSchema = z.object(fields);
/** What `tools/list` shows in compat mode (type is still accepted). */
export const compatSchema = z.object({ pattern: fields.pattern, path: fields.path });

type Raw = z.output<z.ZodObject<typeof fields>>;

function toRequest(raw: Raw, ctx: z.core.$RefinementCtx<Raw>): GlobRequest {
  const fail = (field: string, code: ErrorCode, message: string) =>
    ctx.addIssue({ code: "custom", message, input: raw, path: [field], params: argumentError(code) });
  const { pattern } = raw;
  const why = pattern.length === 0 ? undefined : globSyntaxError(pattern);
  if (pattern.length === 0) {
    fail("pattern", ErrorCode.INVALID_INPUT, "glob: 'pattern' is empty. Give a glob such as \"**/*.ts\".");
  } else if (why) {
    fail(
      "pattern",
      ErrorCode.GLOB_INVALID_PATTERN,
      `glob: pattern ${quoted(pattern)} is invalid: ${why}. ` +
        "Supported: * ** ? {a,b} [abc] [a-z] [!a]; escape a literal special character with a backslash.",
    );
  }
  if (raw.type !== undefined && !(GLOB_TYPES as readonly string[]).includes(raw.type)) {
    fail(
      "type",
      ErrorCode.GLOB_INVALID_TYPE,
      `glob: type ${JSON.stringify(raw.type)} is not one of ${GLOB_TYPES.join(", ")}. Omit it to list both.`,
    );
  }
  return {
    pattern,
    // Compiled only when valid; an invalid pattern never reaches the handler.
    matcher: pattern.length > 0 && why === undefined ? compileGlob(pattern) : (undefined as never),
    path: raw.path === "" ? undefined : raw.path,
    type: raw.type as GlobType | undefined,
  };
}

/** Validates glob's arguments into a GlobRequest, once. */
export const globArguments = z.object(fields).transform(toRequest);
