// Test helpers for bash, task_output and task_kill: a session + server + SDK client over the
// in-memory transport, and questions about processes asked of the OS rather than our own state.
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { Session, type SessionOptions } from "@boris-mcp/session";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { CallToolResult, Progress } from "@modelcontextprotocol/sdk/types.js";
import { registerTools } from "./index.js";
import type { ToolConfig } from "./tool-config.js";

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

/** State letter from /proc/<pid>/stat, undefined when there is no such entry. */
export function procState(pid: number): { state: string; pgrp: number; session: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: f[0] ?? "", pgrp: Number(f[2]), session: Number(f[3]) };
}

/** kill(pid, 0) succeeds and the process is not a zombie (this container's init never reaps). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw err;
  }
  const s = procState(pid);
  return s !== undefined && s.state !== "Z" && s.state !== "X";
}

/** kill(pid, 0) fails with ESRCH: not even a zombie is left. */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Polls `cond` until it holds or `timeoutMs` passes; returns its last value. */
export async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (cond()) return true;
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
}

/** The integers (pids) printed one per line in `text`. */
export function pidsIn(text: string): number[] {
  return [...text.matchAll(/^(\d+)$/gm)].map((m) => Number(m[1]));
}

/** Kills whatever a failed test left running. */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}
