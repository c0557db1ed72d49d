import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { JSONRPCMessage, JSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { SessionEventStore } from "../streams/event-store.js";
import { sseMessages } from "../test/harness.js";
import { HttpServerTransport } from "./http-transport.js";

const VERSION = "2025-11-25";
const MCP_HEADERS = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };

/**
 * One HttpServerTransport behind a real node:http server, with the test as its protocol layer:
 * `answer` decides what the "server" sends for each request it receives (initialize is answered).
 */
async function serve(
  jsonWindowMs: number,
  answer: (request: JSONRPCRequest, t: HttpServerTransport) => void,
) {
  const transport = new HttpServerTransport({
    sessionIdGenerator: () => "s1",
    keepAliveMs: 0,
    jsonWindowMs,
    eventStore: new SessionEventStore({ retentionMs: 60_000 }),
    retryInterval: 1000,
  });
  const sendErrors: Error[] = [];
  transport.onmessage = (message) => {
    if (!("id" in message) || !("method" in message)) return;
    if (message.method === "initialize") {
      void transport.send({ jsonrpc: "2.0", id: message.id, result: { protocolVersion: VERSION } });
    } else {
      answer(message as JSONRPCRequest, transport);
    }
  };
  await transport.start();
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => void transport.handleRequest(req, res, body ? JSON.parse(body) : undefined));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  const post = (body: unknown) =>
    fetch(url, {
      method: "POST",
      headers: { ...MCP_HEADERS, "Mcp-Session-Id": "s1", "Mcp-Protocol-Version": VERSION },
      body: JSON.stringify(body),
    });
  const init = await post({
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: "t", version: "1" } },
  });
  await init.text();
  return {
    post,
    sendErrors,
    send: (message: JSONRPCMessage, relatedRequestId?: string | number) =>
      transport
        .send(message, relatedRequestId === undefined ? undefined : { relatedRequestId })
        .catch((err: Error) => sendErrors.push(err)),
    async close() {
      await transport.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const request = (id: string) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "x" } });
const result = (id: string | number): JSONRPCMessage => ({ jsonrpc: "2.0", id, result: { content: [] } });
const progress: JSONRPCMessage = {
  jsonrpc: "2.0",
  method: "notifications/progress",
  params: { progressToken: 1, progress: 1 },
};

/** The ids (or methods) of the messages of an SSE body, in order. */
function eventsOf(text: string): unknown[] {
  return sseMessages(text).map((message) => message.method ?? message.id);
}

let running: Awaited<ReturnType<typeof serve>> | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("HttpServerTransport's held answers", () => {
  it("a notification and the response sent in the same tick: both on the stream, in order", async () => {
    running = await serve(600_000, (req) => {
      // Neither send is awaited: the response comes while the stream is still being opened.
      void running!.send(progress, req.id);
      void running!.send(result(req.id));
    });
    const res = await running.post(request("r1"));
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const text = await res.text();
    expect(text).toMatch(/^id: \S+\nretry: 1000\ndata: \n\n/);
    expect(eventsOf(text)).toEqual(["notifications/progress", "r1"]);
    expect(running.sendErrors).toEqual([]);
  });

  it("a batch answered in part when the window ends: the stream starts with the responses so far", async () => {
    let answerLate: (() => void) | undefined;
    running = await serve(20, (req) => {
      if (req.id === "early") void running!.send(result(req.id));
      else answerLate = () => void running!.send(result(req.id));
    });
    // fetch resolves with the headers: they are sent when the window ends, with "early" held until then.
    const res = await running.post([request("early"), request("late")]);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    answerLate!();
    const text = await res.text();
    expect(text).toMatch(/^id: \S+\nretry: 1000\ndata: \n\n/);
    expect(eventsOf(text)).toEqual(["early", "late"]);
  });

  it("a batch answered in full within the window: one JSON array", async () => {
    running = await serve(600_000, (req) => void running!.send(result(req.id)));
    const res = await running.post([request("a"), request("b")]);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(((await res.json()) as { id: string }[]).map((m) => m.id)).toEqual(["a", "b"]);
  });
});
