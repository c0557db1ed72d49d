import { existsSync, readFileSync } from "node:fs";
import { pidsIn } from "@boris-mcp/test-support";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { call, startTask } from "./results.js";

/** Pids written one per line to `file` (by commands that `echo $$ >> file`). */
export function readPids(file: string): number[] {
  if (!existsSync(file)) return [];
  return pidsIn(readFileSync(file, "utf8"));
}

export interface Workload {
  /** BORIS_SESSION value of the session, as the session's first command printed it. */
  readonly marker: string;
  /** Where the started processes wrote their pids. */
  readonly pidFile: string;
  /** How many pids the file holds once everything has started. */
  readonly expected: number;
}

/** What `printf %s "$BORIS_SESSION"` prints in the session (stdout of the structured result). */
export async function printedMarker(client: Client): Promise<string> {
  const result = (await client.callTool({
    name: "bash",
    arguments: { command: 'printf %s "$BORIS_SESSION"' },
  })) as CallToolResult;
  if (result.isError) throw new Error(`bash failed: ${JSON.stringify(result.content)}`);
  return String((result.structuredContent as { stdout?: unknown } | undefined)?.stdout ?? "");
}

/**
 * Starts, in one session, the kinds of processes that are hard to clean up:
 * - a background task that respects SIGTERM,
 * - a background task that ignores SIGTERM (only SIGKILL ends it),
 * - a background task with a child that left the process group with `setsid`,
 * - a foreground command that returned but left a `setsid` daemon (ignoring TERM) and a `nohup` child.
 * Every process writes its pid to `pidFile`.
 */
export async function startHardToKillProcesses(client: Client, pidFile: string): Promise<Workload> {
  const f = JSON.stringify(pidFile);
  const marker = await printedMarker(client);
  await startTask(client, `sleep 300 & echo $! >> ${f}; echo $$ >> ${f}; wait`);
  await startTask(client, `trap '' TERM; sleep 300 & echo $! >> ${f}; echo $$ >> ${f}; wait`);
  await startTask(
    client,
    `setsid -f sh -c 'echo $$ >> ${f}; exec sleep 300'; sleep 300 & echo $! >> ${f}; echo $$ >> ${f}; wait`,
  );
  await call(client, "bash", {
    command: `setsid -f sh -c 'trap "" TERM; echo $$ >> ${f}; exec sleep 300'; nohup sleep 300 > /dev/null 2>&1 & echo $! >> ${f}`,
  });
  return { marker, pidFile, expected: 9 };
}
