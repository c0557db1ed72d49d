// Test helpers for bash, task_output and task_kill: the file tools' harness with the shell tests'
// session timings. Questions about processes, asked of the OS, are in @boris-mcp/test-support.
import type { SessionOptions } from "@boris-mcp/session";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ToolConfig } from "../core/tool-config.js";
import { connect, type Harness } from "./file-support.js";

export type ShellHarness = Harness;

/** `connect` with a 300 ms grace and a 50 ms drain unless `sessionOptions` say otherwise. */
export function connectShell(
  config: ToolConfig,
  sessionOptions: Partial<SessionOptions> & { workdir: string },
): Promise<ShellHarness> {
  const { workdir, ...options } = sessionOptions;
  return connect(config, workdir, { graceMs: 300, drainMs: 50, ...options });
}

/** structuredContent of a result (fails the test when there is none). */
export function structured(result: CallToolResult): Record<string, unknown> {
  if (!result.structuredContent) throw new Error(`expected structuredContent, got ${JSON.stringify(result)}`);
  return result.structuredContent;
}
