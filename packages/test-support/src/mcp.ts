// Calling Boris tools through an SDK client, the way an agent does.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** The text of every text item of a tools/call result, joined. */
export function textOf(result: unknown): string {
  return (result as CallToolResult).content.map((c) => (c.type === "text" ? c.text : "")).join("");
}

/** Runs a bash command; returns the result, its text and its structured content. */
export async function bash(client: Client, command: string, extra: Record<string, unknown> = {}) {
  const result = (await client.callTool({
    name: "bash",
    arguments: { command, ...extra },
  })) as CallToolResult;
  return {
    result,
    text: textOf(result),
    structured: result.structuredContent as Record<string, unknown> | undefined,
  };
}
