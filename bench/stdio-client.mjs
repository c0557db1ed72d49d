// A stdio MCP server spawned by the SDK's StdioClientTransport, timed from spawn until `initialize`
// has completed (the client sends `notifications/initialized` right after, as any client does).
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Endpoint, newClient, tail, trackServer } from "./endpoint.mjs";

/**
 * Spawns `command args` and connects to it over stdio.
 * @returns {Promise<{ endpoint: Endpoint, startupMs: number }>}
 */
export async function connectStdio({ name, command, args, env = {}, cwd }) {
  const transport = new StdioClientTransport({
    command,
    args,
    cwd,
    env: { ...getDefaultEnvironment(), ...env },
    stderr: "pipe",
  });
  const log = tail(transport.stderr);
  const client = newClient();
  const start = performance.now();
  try {
    await client.connect(transport);
  } catch (err) {
    await transport.close().catch(() => {});
    throw new Error(`${name} did not start: ${err?.message ?? err}\n${log()}`);
  }
  const startupMs = performance.now() - start;
  const untrack = trackServer(transport.pid);
  const endpoint = new Endpoint({
    name,
    client,
    pid: transport.pid,
    log,
    close: async () => {
      await client.close();
      untrack();
    },
  });
  return { endpoint, startupMs };
}
