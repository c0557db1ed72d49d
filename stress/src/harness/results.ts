import { textOf } from "@boris-mcp/test-support";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** The error codes of SPEC §4: every error result's text starts with `[ONE_OF_THESE] `. */
export const ERROR_CODES = [
  "INVALID_INPUT",
  "PATH_NOT_FOUND",
  "ACCESS_DENIED",
  "FILE_TOO_LARGE",
  "IO_ERROR",
  "FILE_NOT_VIEWED",
  "FILE_CHANGED_SINCE_VIEW",
  "SESSION_CLOSED",
  "BASH_EMPTY_COMMAND",
  "BASH_START_FAILED",
  "BASH_TASK_LIMIT",
  "BASH_TASK_NOT_FOUND",
  "STR_REPLACE_NOT_FOUND",
  "STR_REPLACE_AMBIGUOUS",
  "GREP_INVALID_PATTERN",
  "GREP_INVALID_OUTPUT_MODE",
  "GLOB_INVALID_PATTERN",
  "GLOB_INVALID_TYPE",
] as const;

/** Calls a tool that must succeed; throws with the error text otherwise. */
export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = textOf(result);
  if (result.isError) throw new Error(`${name} failed: ${text}`);
  return text;
}

/** Starts a background bash task; returns its id. */
export async function startTask(client: Client, command: string): Promise<string> {
  const text = await call(client, "bash", { command, run_in_background: true });
  const m = /task_id: (\S+)/.exec(text);
  if (!m) throw new Error(`no task_id in: ${text}`);
  return m[1]!;
}
