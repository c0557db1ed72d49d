import { type ClientRequest, request } from "node:http";

export const PROTOCOL_VERSION = "2025-06-18";

export const MCP_HEADERS = {
  "Content-Type": "application/json",
  Accept: "application/json, text/event-stream",
};

let nextId = 1000;

/** A JSON-RPC request message with a fresh id. */
export function rpc(method: string, params: Record<string, unknown> = {}): Record<string, unknown> {
  return { jsonrpc: "2.0", id: nextId++, method, params };
}

export const initializeMessage = () =>
  rpc("initialize", {
    protocolVersion: PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: { name: "boris-stress-raw", version: "1" },
  });

/** The JSON-RPC message with `id` in a JSON or SSE response body. */
export function findResponse(body: string, id: unknown): Record<string, unknown> | undefined {
  for (const line of body.split("\n")) {
    const json = line.startsWith("data: ") ? line.slice(6) : line;
    try {
      const parsed = JSON.parse(json) as Record<string, unknown>;
      if (parsed.id === id) return parsed;
    } catch {
      // not a message line
    }
  }
  return undefined;
}

/** A session opened over plain fetch (initialize + initialized), without the SDK's GET stream. */
export async function rawSession(url: string): Promise<string> {
  const res = await fetch(url, {
    method: "POST",
    headers: MCP_HEADERS,
    body: JSON.stringify(initializeMessage()),
  });
  await res.text();
  const sessionId = res.headers.get("mcp-session-id");
  if (res.status !== 200 || !sessionId) throw new Error(`initialize answered ${res.status}`);
  const note = await fetch(url, {
    method: "POST",
    headers: sessionHeaders(sessionId),
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  await note.text();
  return sessionId;
}

export function sessionHeaders(sessionId: string): Record<string, string> {
  return { ...MCP_HEADERS, "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": PROTOCOL_VERSION };
}

/** POSTs one request over fetch and returns the HTTP status and the matching response message. */
export async function rawCall(url: string, sessionId: string, message: Record<string, unknown>) {
  const res = await fetch(url, {
    method: "POST",
    headers: sessionHeaders(sessionId),
    body: JSON.stringify(message),
  });
  const text = await res.text();
  return { status: res.status, response: findResponse(text, message.id) };
}

/**
 * Starts a POST over node:http and returns the request without waiting for the answer, so the
 * caller can make the client vanish mid-call (`req.socket.resetAndDestroy()`, `req.destroy()`).
 */
export function openCall(url: string, sessionId: string, message: Record<string, unknown>): ClientRequest {
  const body = JSON.stringify(message);
  const req = request(url, {
    method: "POST",
    headers: { ...sessionHeaders(sessionId), "Content-Length": Buffer.byteLength(body) },
  });
  // The tests destroy it on purpose: errors on either side of the exchange are expected.
  req.on("error", () => {});
  req.on("response", (res) => {
    res.on("error", () => {});
    res.resume();
  });
  req.end(body);
  return req;
}
