import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  health,
  INITIALIZE,
  MCP_HEADERS,
  type RunningServer,
  rawSession,
  sseMessages,
  startServer,
} from "../test/harness.js";
import { RESUMABLE_PROTOCOL } from "../test/resumable.js";

/**
 * The streamable HTTP transport's own answers (src/transport/), through real HTTP against the built
 * server: what it refuses and with which status, batches, notifications, the standalone stream.
 * Its answers here are SSE streams (`--json-response-window 0`); e2e-json-answers tests the JSON ones.
 */
describe("boris-http transport", () => {
  let server: RunningServer;
  let sessionId: string;
  const sessionHeaders = (extra: Record<string, string> = {}) => ({
    ...MCP_HEADERS,
    "Mcp-Session-Id": sessionId,
    "Mcp-Protocol-Version": RESUMABLE_PROTOCOL,
    ...extra,
  });
  const post = (body: unknown, headers: Record<string, string> = sessionHeaders()) =>
    fetch(server.url, { method: "POST", headers, body: JSON.stringify(body) });

  beforeAll(async () => {
    server = await startServer(["--json-response-window", "0"]);
    sessionId = await rawSession(server.url);
  });
  afterAll(() => server.stop());

  it("keeps an idle keep-alive connection longer than clients and proxies keep theirs (65 s, not Node's 5 s)", async () => {
    const keepAlive = await new Promise<string | string[] | undefined>((resolve, reject) => {
      const req = request(
        server.url,
        { method: "DELETE", agent: false, headers: { connection: "keep-alive" } },
        (res) => {
          res.resume();
          resolve(res.headers["keep-alive"]);
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(keepAlive).toBe("timeout=65");
  });

  it("refuses a POST that does not accept SSE (406) or does not send JSON (415), and opens no session", async () => {
    const before = (await health(server)).body.sessions;
    const notAcceptable = await post(INITIALIZE, {
      "Content-Type": "application/json",
      Accept: "application/json",
    });
    expect(notAcceptable.status).toBe(406);
    expect(await notAcceptable.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32000 }, id: null });
    const notJson = await post(INITIALIZE, { ...MCP_HEADERS, "Content-Type": "text/plain" });
    expect(notJson.status).toBe(415);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toContain(
      "application/json",
    );
    expect((await health(server)).body.sessions).toBe(before);
  });

  it("takes a JSON Content-Type with parameters", async () => {
    const res = await post(INITIALIZE, { ...MCP_HEADERS, "Content-Type": "Application/JSON; charset=utf-8" });
    expect(res.status).toBe(200);
    const id = res.headers.get("mcp-session-id");
    expect(id).toMatch(/^[0-9a-f]{8}\.[0-9a-f]{32}$/);
    expect(sseMessages(await res.text())[0]).toMatchObject({
      id: 1,
      result: { serverInfo: { name: "boris-http" } },
    });
    expect((await fetch(server.url, { method: "DELETE", headers: { "Mcp-Session-Id": id! } })).status).toBe(
      200,
    );
  });

  it("refuses an unsupported Mcp-Protocol-Version with 400 naming it", async () => {
    const res = await post(
      { jsonrpc: "2.0", id: 2, method: "ping" },
      sessionHeaders({ "Mcp-Protocol-Version": "1999-01-01" }),
    );
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string } };
    expect(error.message).toContain("Unsupported protocol version: 1999-01-01");
    expect(error.message).toContain("2025-11-25");
  });

  it("refuses what is not a JSON-RPC message, an oversized batch and a second initialize", async () => {
    const bad = await post({ jsonrpc: "2.0", id: 3, method: "ping", extra: true });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: -32700, message: "Parse error: Invalid JSON-RPC message" },
    });

    const batch = Array.from({ length: 101 }, (_, i) => ({ jsonrpc: "2.0", id: 100 + i, method: "ping" }));
    const tooMany = await post(batch);
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ error: { code: -32600 } });

    const again = await post(INITIALIZE);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({
      error: { code: -32600, message: "Invalid Request: Server already initialized" },
    });
  });

  it("refuses an initialize batched with another message, and registers no session", async () => {
    const before = (await health(server)).body.sessions;
    const res = await post([INITIALIZE, { jsonrpc: "2.0", id: 9, method: "ping" }], MCP_HEADERS);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: -32600 } });
    expect(res.headers.get("mcp-session-id")).toBeNull();
    expect((await health(server)).body.sessions).toBe(before);
  });

  it("answers 202 with no body to a POST of notifications only", async () => {
    const res = await post({ jsonrpc: "2.0", method: "notifications/roots/list_changed" });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe("");
  });

  it("answers a batch of requests on one stream that ends after the last answer", async () => {
    const res = await post([
      { jsonrpc: "2.0", id: "a", method: "ping" },
      { jsonrpc: "2.0", id: "b", method: "tools/list" },
    ]);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.headers.get("mcp-session-id")).toBe(sessionId);
    const text = await res.text(); // resolves only when the server ends the stream
    expect(text.startsWith("id: ")).toBe(true); // the priming event of a resumable stream
    const answers = sseMessages(text);
    expect(answers.map((m) => m.id).sort()).toEqual(["a", "b"]);
    expect(answers.find((m) => m.id === "b")).toMatchObject({ result: { tools: expect.any(Array) } });
  });

  it("refuses a method it does not serve with 405 and Allow", async () => {
    const res = await fetch(server.url, { method: "PUT", headers: sessionHeaders(), body: "{}" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST, DELETE");
  });

  it("refuses a GET that does not accept SSE with 406", async () => {
    const res = await fetch(server.url, {
      headers: { "Mcp-Session-Id": sessionId, Accept: "application/json" },
    });
    expect(res.status).toBe(406);
  });

  it("opens the standalone stream at once, allows one, and lets a reconnect replace it", async () => {
    const first = new AbortController();
    const getHeaders = { "Mcp-Session-Id": sessionId, Accept: "text/event-stream" };
    // Headers come before any event: a client waiting for them is not held up.
    const stream = await fetch(server.url, { headers: getHeaders, signal: first.signal });
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers.get("content-type")).toBe("text/event-stream");
      expect(stream.headers.get("x-accel-buffering")).toBe("no");

      const second = await fetch(server.url, { headers: getHeaders });
      expect(second.status).toBe(409);
      await second.body?.cancel();

      // A reconnect with the standalone stream's cursor replaces the open connection, which ends.
      const resumed = new AbortController();
      const reconnect = await fetch(server.url, {
        headers: { ...getHeaders, "Last-Event-ID": "_GET_stream.0" },
        signal: resumed.signal,
      });
      expect(reconnect.status).toBe(200);
      expect(await stream.text()).toBe("");
      resumed.abort();
    } finally {
      first.abort();
    }
  });

  it("DELETE ends the session; its id is then unknown (404)", async () => {
    const id = await rawSession(server.url);
    const headers = { ...MCP_HEADERS, "Mcp-Session-Id": id, "Mcp-Protocol-Version": RESUMABLE_PROTOCOL };
    expect((await fetch(server.url, { method: "DELETE", headers })).status).toBe(200);
    const after = await fetch(server.url, {
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    expect(after.status).toBe(404);
  });
});
