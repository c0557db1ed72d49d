// Test helpers for the file tools: a ToolConfig with test-friendly values and an SDK client wired
// to a server through the in-memory transport.
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Session, type SessionOptions } from "@boris-mcp/session";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult, Progress } from "@modelcontextprotocol/sdk/types.js";
import type { ToolConfig } from "../core/tool-config.js";
import { ProtocolServer } from "../protocol/protocol-server.js";
import { createPathScope } from "../scope/path-scope.js";
import { registerTools } from "../session-server.js";

export function testConfig(overrides: Partial<ToolConfig> = {}): ToolConfig {
  return {
    shell: "/bin/bash",
    defaultTimeoutMs: 120_000,
    maxTimeoutMs: 600_000,
    drainMs: 50,
    outputLimit: 30_000,
    progressIntervalMs: 50,
    maxFileSize: 10 * 1024 * 1024,
    maxImageSize: 768_000,
    requireViewBeforeEdit: true,
    anthropicCompat: false,
    disabledTools: new Set(),
    pathScope: createPathScope(),
    followClientRoots: false,
    searchTimeoutMs: 30_000,
    rgPath: undefined,
    ...overrides,
  };
}

/** A canonical temp directory (the temp root may itself sit behind a symlink). */
export async function tempDir(prefix = "boris-files-"): Promise<string> {
  return realpath(await mkdtemp(path.join(tmpdir(), prefix)));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface Harness {
  readonly client: Client;
  readonly session: Session;
  call(
    name: string,
    args: Record<string, unknown>,
    options?: { signal?: AbortSignal; onprogress?: (progress: Progress) => void },
  ): Promise<CallToolResult>;
  close(): Promise<void>;
}

/**
 * A session in `workdir` (grace 200 ms unless `sessionOptions` say otherwise), a server with the
 * tools of `config` and an SDK client, linked by the in-memory transport.
 */
export async function connect(
  config: ToolConfig,
  workdir: string,
  sessionOptions: Partial<SessionOptions> = {},
): Promise<Harness> {
  const session = new Session({ workdir, graceMs: 200, ...sessionOptions });
  const server = new ProtocolServer({ name: "boris-test", version: "0.0.0" });
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

/** The text of a result's first content item (fails the test if it is not text). */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  if (first?.type !== "text") throw new Error(`expected text content, got ${JSON.stringify(result.content)}`);
  return first.text;
}

/** Asserts an error result with `code` and returns its message (without the code). */
export function errorOf(result: CallToolResult, code: string): string {
  const text = textOf(result);
  if (result.isError !== true || !text.startsWith(`[${code}] `)) {
    throw new Error(`expected an isError result with [${code}], got: ${JSON.stringify(result)}`);
  }
  return text.slice(code.length + 3);
}

/** Asserts a successful result and returns its text. */
export function okText(result: CallToolResult): string {
  if (result.isError) throw new Error(`expected success, got: ${textOf(result)}`);
  return textOf(result);
}
