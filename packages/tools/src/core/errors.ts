import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** Every error a tool can return. The text of an error result is `[CODE] message`. */
export const ErrorCode = {
  INVALID_INPUT: "INVALID_INPUT",
  PATH_NOT_FOUND: "PATH_NOT_FOUND",
  ACCESS_DENIED: "ACCESS_DENIED",
  FILE_TOO_LARGE: "FILE_TOO_LARGE",
  IO_ERROR: "IO_ERROR",
  FILE_NOT_VIEWED: "FILE_NOT_VIEWED",
  FILE_CHANGED_SINCE_VIEW: "FILE_CHANGED_SINCE_VIEW",
  SESSION_CLOSED: "SESSION_CLOSED",
  BASH_EMPTY_COMMAND: "BASH_EMPTY_COMMAND",
  BASH_START_FAILED: "BASH_START_FAILED",
  BASH_TASK_LIMIT: "BASH_TASK_LIMIT",
  BASH_TASK_NOT_FOUND: "BASH_TASK_NOT_FOUND",
  STR_REPLACE_NOT_FOUND: "STR_REPLACE_NOT_FOUND",
  STR_REPLACE_AMBIGUOUS: "STR_REPLACE_AMBIGUOUS",
  GREP_INVALID_PATTERN: "GREP_INVALID_PATTERN",
  GREP_INVALID_OUTPUT_MODE: "GREP_INVALID_OUTPUT_MODE",
  GLOB_INVALID_PATTERN: "GLOB_INVALID_PATTERN",
  GLOB_INVALID_TYPE: "GLOB_INVALID_TYPE",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Thrown by tool handlers for an operational failure; the registry turns it into an
 * `isError: true` result. Handlers may also return `errorResult(...)` directly.
 */
export class ToolError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "ToolError";
    this.code = code;
  }
}

/**
 * A value quoted for an error message, shortened in the middle past `max` characters: the model
 * needs to recognise what it sent, not to read 60 KB of it back.
 */
export function quoted(value: string, max = 200): string {
  if (value.length <= max) return JSON.stringify(value);
  const half = Math.floor(max / 2);
  return `${JSON.stringify(value.slice(0, half))}…(${value.length - 2 * half} more characters)…${JSON.stringify(value.slice(-half))}`;
}

export function errorResult(code: ErrorCode, message: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text: `[${code}] ${message}` }] };
}

const ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));
const CODE_PREFIX = /^\[([A-Z_]+)\] /;

/** The code of an error text as `errorResult` writes it (`[CODE] message`); undefined for any other text. */
export function errorCodeOf(text: string): ErrorCode | undefined {
  const code = CODE_PREFIX.exec(text)?.[1];
  return code !== undefined && ERROR_CODES.has(code) ? (code as ErrorCode) : undefined;
}

export function textResult(text: string, structuredContent?: Record<string, unknown>): CallToolResult {
  return structuredContent
    ? { content: [{ type: "text", text }], structuredContent }
    : { content: [{ type: "text", text }] };
}

/**
 * Describes a failed filesystem operation for a path in scope: names the operation and the path,
 * and turns the errno into words the model can act on.
 */
export function ioError(operation: string, path: string, cause: unknown): ToolError {
  const err = cause as NodeJS.ErrnoException;
  switch (err?.code) {
    case "ENOENT":
      return new ToolError(
        ErrorCode.PATH_NOT_FOUND,
        `${path} does not exist. Check the path (relative paths resolve against the current working directory).`,
      );
    case "EACCES":
    case "EPERM":
      return new ToolError(
        ErrorCode.IO_ERROR,
        `${operation} ${path} failed: permission denied by the operating system.`,
      );
    case "EISDIR":
      return new ToolError(ErrorCode.IO_ERROR, `${operation} ${path} failed: it is a directory, not a file.`);
    case "ENOTDIR":
      return new ToolError(
        ErrorCode.IO_ERROR,
        `${operation} ${path} failed: a parent of the path is not a directory.`,
      );
    case "ENOSPC":
      return new ToolError(ErrorCode.IO_ERROR, `${operation} ${path} failed: no space left on the device.`);
    default:
      return new ToolError(
        ErrorCode.IO_ERROR,
        `${operation} ${path} failed: ${err?.message ?? String(cause)}.`,
      );
  }
}
