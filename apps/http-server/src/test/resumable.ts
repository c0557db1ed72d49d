import { type TcpProxy, waitUntil } from "@boris-mcp/test-support";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { MCP_HEADERS } from "./harness.js";

/** The protocol version from which POST streams are resumable (priming events, SEP-1699). */
export const RESUMABLE_PROTOCOL = "2025-11-25";

export interface CountingClient {
  readonly client: Client;
  readonly transport: StreamableHTTPClientTransport;
  /** `Last-Event-ID` values the client reconnected with, in order. */
  readonly resumes: string[];
  close(): Promise<void>;
}

/**
 * An SDK client (protocol 2025-11-25) that records every reconnect carrying `Last-Event-ID`, and
 * retries a failed reconnect more often than the SDK's default (a proxy may be down for a while).
 */
export async function countingClient(url: string): Promise<CountingClient> {
  const resumes: string[] = [];
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    reconnectionOptions: {
      initialReconnectionDelay: 200,
      maxReconnectionDelay: 1000,
      reconnectionDelayGrowFactor: 1.5,
      maxRetries: 30,
    },
    fetch: (input, init) => {
      const lastEventId = new Headers(init?.headers).get("last-event-id");
      if (lastEventId) resumes.push(lastEventId);
      return fetch(input, init);
    },
  });
  const client = new Client({ name: "boris-resume-e2e", version: "1.0.0" });
  client.onerror = () => {}; // a cut stream is what these tests do on purpose
  await client.connect(transport);
  return {
    client,
    transport,
    resumes,
    async close() {
      await transport.terminateSession().catch(() => {});
      await client.close();
    },
  };
}

/**
 * A POST of one request on a resumable stream, read until the priming event (the client then holds
 * a cursor), and then dropped by the client: `abort()` cuts the connection.
 */
export async function primedCall(url: string, sessionId: string, message: Record<string, unknown>) {
  const controller = new AbortController();
  const res = await fetch(url, {
    method: "POST",
    headers: { ...MCP_HEADERS, "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": RESUMABLE_PROTOCOL },
    body: JSON.stringify(message),
    signal: controller.signal,
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/^id: /m.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before its priming event: ${text}`);
    text += value;
  }
  return {
    status: res.status,
    /** What the stream said up to its priming event. */
    text,
    eventId: /^id: (.*)$/m.exec(text)![1]!,
    abort: () => controller.abort(),
  };
}

/** An initialize on protocol 2025-11-25 plus the initialized notification, over plain fetch. */
export async function resumableSession(url: string): Promise<string> {
  const res = await fetch(url, {
    method: "POST",
    headers: MCP_HEADERS,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: RESUMABLE_PROTOCOL,
        capabilities: {},
        clientInfo: { name: "raw", version: "1" },
      },
    }),
  });
  await res.text();
  const sessionId = res.headers.get("mcp-session-id")!;
  await fetch(url, {
    method: "POST",
    headers: { ...MCP_HEADERS, "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": RESUMABLE_PROTOCOL },
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  return sessionId;
}

/** A foreground bash call as a raw JSON-RPC request. */
export function bashRequest(id: number, command: string): Record<string, unknown> {
  return { jsonrpc: "2.0", id, method: "tools/call", params: { name: "bash", arguments: { command } } };
}

/** A command that records each run in `<name>.runs`, then waits for the file `<name>.go` (the test decides when it ends). */
export function gatedCommand(name: string): string {
  return `echo run >> ${name}.runs; until [ -e ${name}.go ]; do sleep 0.05; done; echo finished ${name}`;
}

/**
 * Cuts the client's connections through `proxy` and waits until the client has reconnected; returns
 * the `Last-Event-ID` it reconnected with.
 */
export async function cutAndAwaitResume(
  counting: CountingClient,
  proxy: TcpProxy,
): Promise<string | undefined> {
  const resumesBefore = counting.resumes.length;
  proxy.cut();
  await waitUntil(
    "the client to reconnect with Last-Event-ID",
    () => counting.resumes.length > resumesBefore,
  );
  return counting.resumes[resumesBefore];
}
