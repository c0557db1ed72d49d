// Test helpers for bash, task_output and task_kill: a session + server + SDK client over the
// in-memory transport. Questions about processes, asked of the OS, are in @boris-mcp/test-support.
import { Session, type SessionOptions } from "@boris-mcp/session";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { CallToolResult, Progress } from "@modelcontextprotocol/sdk/types.js";
import type { ToolConfig } from "../core/tool-config.js";
import { registerTools } from "../index.js";

export interface ShellHarness {
  readonly client: Client;
  readonly session: Session;
  call(
    name: string,
    args: Record<string, unknown>,
    options?: { signal?: AbortSignal; onprogress?: (progress: Progress) => void },
  ): Promise<CallToolResult>;
  close(): Promise<void>;
}

export async function connectShell(
  config: ToolConfig,
  sessionOptions: Partial<SessionOptions> & { workdir: string },
): Promise<ShellHarness> {
  const session = new Session({ graceMs: 300, drainMs: 50, ...sessionOptions });
  const server = new Server({ name: "boris-test", version: "0.0.0" }, { capabilities: {} });
  registerTools(server, session, config);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "test-client", version: "0.0.0" });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return {
    client,
    session,
    call: async (name, args, options) =>
      (await client.callTool({ name, arguments: args }, undefined, options)) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
      await session.close();
    },
  };
}

/** structuredContent of a result (fails the test when there is none). */
export function structured(result: CallToolResult): Record<string, unknown> {
  if (!result.structuredContent) throw new Error(`expected structuredContent, got ${JSON.stringify(result)}`);
  return result.structuredContent;
}
