// Streamable HTTP clients: full SDK clients for calls, and bare `initialize` requests for the idle
// session figure (a thousand SDK clients would measure the bench, not the server).
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Endpoint, newClient } from "./endpoint.mjs";

const PROTOCOL_VERSION = "2025-06-18";

/**
 * Connects an SDK client to `url` (initialize + initialized).
 * @returns {Promise<{ endpoint: Endpoint & { terminate(): Promise<void> }, startupMs: number }>}
 */
export async function connectHttp({ name, url, pid, log, fetch: fetchFn }) {
  const transport = new StreamableHTTPClientTransport(new URL(url), fetchFn ? { fetch: fetchFn } : undefined);
  const client = newClient();
  const start = performance.now();
  await client.connect(transport);
  const startupMs = performance.now() - start;
  const endpoint = new Endpoint({ name, client, pid, log, close: () => client.close() });
  endpoint.sessionId = transport.sessionId;
  /** DELETE of the session (the server closes it and everything it started), then close. */
  endpoint.terminate = async () => {
    await transport.terminateSession();
    await client.close();
  };
  return { endpoint, startupMs };
}

const jsonHeaders = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
};

/** Opens a session with bare requests (initialize, then notifications/initialized); returns its id. */
export async function openRawSession(url) {
  const res = await fetch(url, {
    method: "POST",
    headers: jsonHeaders,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: "boris-bench-idle", version: "0.0.0" },
      },
    }),
  });
  await res.arrayBuffer();
  const id = res.headers.get("mcp-session-id");
  if (!res.ok || !id) throw new Error(`initialize answered HTTP ${res.status} without a session id`);
  const ack = await fetch(url, {
    method: "POST",
    headers: { ...jsonHeaders, "mcp-session-id": id, "mcp-protocol-version": PROTOCOL_VERSION },
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  await ack.arrayBuffer();
  if (!ack.ok) throw new Error(`notifications/initialized answered HTTP ${ack.status}`);
  return id;
}

/** DELETE of a session opened by openRawSession. */
export async function deleteRawSession(url, id) {
  const res = await fetch(url, {
    method: "DELETE",
    headers: { "mcp-session-id": id, "mcp-protocol-version": PROTOCOL_VERSION },
  });
  await res.arrayBuffer();
  return res.status;
}

/** GET /health of the server behind `url` (…/mcp). */
export async function health(url) {
  const res = await fetch(new URL("/health", url));
  return res.json();
}
