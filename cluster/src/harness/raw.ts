// Plain fetch requests, for what the SDK client does not show: a GET stream's raw bytes.
const PROTOCOL = "2025-11-25";
const MCP_HEADERS = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };

/** initialize + notifications/initialized over plain POSTs; the session id. */
export async function rawSession(url: string): Promise<string> {
  const init = await fetch(url, {
    method: "POST",
    headers: MCP_HEADERS,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    }),
  });
  await init.text();
  const sessionId = init.headers.get("mcp-session-id");
  if (!sessionId) throw new Error(`initialize through ${url} answered ${init.status} without a session id`);
  const sent = await fetch(url, {
    method: "POST",
    headers: { ...MCP_HEADERS, "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": PROTOCOL },
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  await sent.text();
  return sessionId;
}

/** Opens the session's standalone GET stream; `firstChunk` is the first text that comes down it. */
export async function rawGetStream(url: string, sessionId: string) {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { Accept: "text/event-stream", "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": PROTOCOL },
    signal: controller.signal,
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  return {
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    firstChunk: reader.read().then(({ value }) => value ?? ""),
    close: () => controller.abort(),
  };
}
