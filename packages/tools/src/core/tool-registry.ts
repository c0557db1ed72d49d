import type { Session } from "@boris-mcp/session";
import type { CallToolResult, Tool, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { RequestExtra } from "../protocol/rpc-endpoint.js";
import type { PathScope } from "../scope/path-scope.js";
import { ErrorCode, errorResult, ToolError, textResult } from "./errors.js";
import { fromSessionError } from "./session-errors.js";
import type { ToolConfig } from "./tool-config.js";

export type { RequestExtra };

/** What a handler gets besides its parsed arguments. */
export interface ToolContext {
  readonly session: Session;
  readonly config: ToolConfig;
  /**
   * What the file and search tools may reach in this call: the operator's scope
   * (`config.pathScope`), or the client's roots within it (SessionScope).
   */
  readonly scope: PathScope;
  /** Fires when the client cancels the request or the HTTP connection goes away. */
  readonly signal: AbortSignal;
  /** Present when the client asked for progress notifications. */
  readonly progressToken: string | number | undefined;
  /** Sends `notifications/progress` for this request (no-op without a progress token). */
  sendProgress(progress: number, message?: string): Promise<void>;
  readonly extra: RequestExtra;
}

// biome-ignore lint/suspicious/noExplicitAny: a tool's input schema is any zod object
export type AnyObjectSchema = z.ZodObject<any>;

/**
 * What a tool validates its arguments with: an object schema, or one piped into a transform that
 * turns the arguments into the handler's typed request (parsed once, by the registry).
 */
// biome-ignore lint/suspicious/noExplicitAny: any object schema, with or without a transform
export type ArgumentsSchema = AnyObjectSchema | z.ZodPipe<AnyObjectSchema, any>;

/**
 * A validation failure with its own error code: a schema's refinement or transform adds an issue
 * with `params: argumentError(code)` and a complete message, and the call answers `[code] message`.
 */
export function argumentError(code: ErrorCode): { errorCode: ErrorCode } {
  return { errorCode: code };
}

export interface ToolDefinition<S extends ArgumentsSchema = ArgumentsSchema> {
  readonly name: string;
  readonly description: string;
  /** Validates (and may transform) the arguments; the handler gets its output. */
  readonly inputSchema: S;
  /**
   * The schema `tools/list` shows, when it differs from the one validated with (e.g. only one of
   * two accepted name sets is advertised). Default: `inputSchema`'s input side.
   */
  readonly advertisedSchema?: AnyObjectSchema;
  /** Must accept every structuredContent shape the tool returns. */
  readonly outputSchema?: AnyObjectSchema;
  /** Shown as the top-level `title` and as `annotations.title`. */
  readonly annotations?: ToolAnnotations & { readonly title: string };
  handler(args: z.output<S>, ctx: ToolContext): Promise<CallToolResult>;
}

/** Keeps a definition's argument type while storing it among others. */
export function defineTool<S extends ArgumentsSchema>(def: ToolDefinition<S>): ToolDefinition {
  return def as unknown as ToolDefinition;
}

function toJsonSchema(schema: z.ZodType, io: "input" | "output"): Tool["inputSchema"] {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  delete json.$schema;
  // Portable input schemas: whether unknown names are accepted is the server's business, and some
  // clients' schema checks warn about `additionalProperties`.
  if (io === "input") delete json.additionalProperties;
  return json as Tool["inputSchema"];
}

/** The argument names a tool advertises (for error messages). */
function advertisedNames(def: ToolDefinition): string[] {
  const schema = def.advertisedSchema ?? def.inputSchema;
  const shape = schema instanceof z.ZodPipe ? (schema.in as AnyObjectSchema) : schema;
  return Object.keys(shape.shape);
}

/** The advertised form of a tool list, computed once per list of definitions. */
const listCache = new WeakMap<readonly ToolDefinition[], Tool[]>();

export function describeTools(defs: readonly ToolDefinition[]): Tool[] {
  let tools = listCache.get(defs);
  if (!tools) {
    tools = defs.map((def) => ({
      name: def.name,
      ...(def.annotations ? { title: def.annotations.title } : {}),
      description: def.description,
      inputSchema: toJsonSchema(def.advertisedSchema ?? def.inputSchema, "input"),
      ...(def.outputSchema
        ? { outputSchema: toJsonSchema(def.outputSchema, "output") as Tool["outputSchema"] }
        : {}),
      ...(def.annotations ? { annotations: def.annotations } : {}),
    }));
    listCache.set(defs, tools);
  }
  return tools;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/**
 * The answer to arguments that failed validation: the first issue that carries its own error code
 * (see `argumentError`) as it is, else one INVALID_INPUT message naming the fields and the fix.
 */
export function invalidArguments(
  tool: string,
  error: z.ZodError,
  args: Record<string, unknown>,
): CallToolResult {
  for (const issue of error.issues) {
    const code = (issue as { params?: { errorCode?: ErrorCode } }).params?.errorCode;
    if (code !== undefined) return errorResult(code, issue.message);
  }
  return errorResult(ErrorCode.INVALID_INPUT, formatInvalidInput(tool, error, args));
}

/** `view_range[0]`, `a.b`: an issue's path as the caller would write it. */
function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

/** The value at an issue's path in the arguments (an array element, a nested field). */
function valueAt(args: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
  let value: unknown = args;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Turns a zod failure into one INVALID_INPUT message that names the field and the fix. */
export function formatInvalidInput(tool: string, error: z.ZodError, args: Record<string, unknown>): string {
  const parts = error.issues.slice(0, 3).map((issue) => {
    const field = issue.path.length > 0 ? fieldName(issue.path) : "(arguments)";
    const given = valueAt(args, issue.path);
    if (issue.code === "invalid_type" && given === undefined && issue.path.length === 1) {
      return `missing required argument '${field}' (${issue.expected})`;
    }
    if (issue.code === "invalid_type") {
      const expected = issue.expected === "int" ? "an integer" : issue.expected;
      const got = typeof given === "number" ? String(given) : describeType(given);
      return `argument '${field}' must be ${expected}, got ${got}`;
    }
    return `argument '${field}': ${issue.message}`;
  });
  return `${tool}: ${parts.join("; ")}. Fix the arguments and call again.`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One tools/call as the server hands it over (see ToolCatalog.call). */
export interface ToolCall {
  readonly name: string;
  /** The call's `arguments`, as sent: any JSON value, or undefined. */
  readonly arguments: unknown;
  readonly progressToken: string | number | undefined;
  readonly session: Session;
  readonly config: ToolConfig;
  readonly extra: RequestExtra;
  /** The scope of this call; undefined when it was cancelled while the client's roots were asked for. */
  scope(): PathScope | undefined | Promise<PathScope | undefined>;
}

/** The tools of one session's server: what tools/list shows, and how a call is validated and run. */
export interface ToolCatalog {
  readonly tools: readonly Tool[];
  call(call: ToolCall): Promise<CallToolResult>;
}

const catalogs = new WeakMap<readonly ToolDefinition[], ToolCatalog>();

/**
 * The catalog of `defs`, computed once per list of definitions. Argument validation is ours (not
 * the SDK's) so a bad call gets `[INVALID_INPUT] …` naming the field; unexpected exceptions become
 * error results.
 */
export function catalogOf(defs: readonly ToolDefinition[]): ToolCatalog {
  let catalog = catalogs.get(defs);
  if (catalog) return catalog;
  const byName = new Map(defs.map((d) => [d.name, d]));
  catalog = {
    get tools() {
      return describeTools(defs);
    },
    call: (call) => {
      const def = byName.get(call.name);
      if (!def) {
        return Promise.resolve(
          errorResult(
            ErrorCode.INVALID_INPUT,
            `unknown tool '${call.name}'. Available tools: ${defs.map((d) => d.name).join(", ")}.`,
          ),
        );
      }
      return callTool(def, call);
    },
  };
  catalogs.set(defs, catalog);
  return catalog;
}

async function callTool(def: ToolDefinition, call: ToolCall): Promise<CallToolResult> {
  const { name, extra, progressToken } = call;
  const given = call.arguments === undefined ? {} : call.arguments;
  if (!isPlainObject(given)) {
    return errorResult(
      ErrorCode.INVALID_INPUT,
      `${name}: 'arguments' must be an object of named arguments, got ${describeType(given)}. Call ${name} with e.g. {"${advertisedNames(def)[0] ?? "arg"}": …}.`,
    );
  }
  const parsed = def.inputSchema.safeParse(given);
  if (!parsed.success) return invalidArguments(name, parsed.error, given);
  const scope = await call.scope();
  // Cancelled while the client's roots were still unknown: nothing ran (nobody reads this answer).
  if (!scope) return textResult(`${name} cancelled before it ran.`);
  const ctx: ToolContext = {
    session: call.session,
    config: call.config,
    scope,
    signal: extra.signal,
    progressToken,
    extra,
    async sendProgress(progress, message) {
      if (progressToken === undefined || extra.signal.aborted) return;
      await extra
        .sendNotification({
          method: "notifications/progress",
          params: { progressToken, progress, ...(message !== undefined ? { message } : {}) },
        })
        .catch(() => {});
    },
  };
  try {
    return await def.handler(parsed.data, ctx);
  } catch (err) {
    const toolError = err instanceof ToolError ? err : fromSessionError(err);
    if (toolError) return errorResult(toolError.code, toolError.message);
    return errorResult(
      ErrorCode.IO_ERROR,
      `${name} failed unexpectedly: ${(err as Error)?.message ?? String(err)}`,
    );
  }
}
