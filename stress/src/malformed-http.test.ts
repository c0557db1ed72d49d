import { createConnection } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  initializeMessage,
  MCP_HEADERS,
  PROTOCOL_VERSION,
  rawCall,
  rawSession,
  rpc,
  sessionHeaders,
} from "./harness/raw-http.js";
import { call } from "./harness/results.js";
import { connectHttp, type HttpServer, makeTempDir, removeDir, startHttp } from "./harness/servers.js";

/** --max-file-size for this server; request bodies are refused past 2 × this + 1 MB (SPEC §7). */
const MAX_FILE_SIZE = 64 * 1024;
const BODY_LIMIT = 2 * MAX_FILE_SIZE + 1024 * 1024;

/** Sends raw bytes on a fresh TCP connection; resolves with whatever the server answered before closing. */
function rawExchange(port: number, chunks: (string | Buffer)[], { endAfter = true } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let answer = "";
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => {
      answer += d;
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve(answer));
    socket.on("connect", () => {
      for (const c of chunks) socket.write(c);
      if (endAfter) socket.end();
    });
    setTimeout(() => socket.destroy(), 5000).unref();
  });
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);

describe("malformed HTTP", () => {
  const dir = makeTempDir("malformed");
  let server: HttpServer;
  let session: string;

  beforeAll(async () => {
    server = await startHttp([
      "--workdir",
      dir,
      "--max-file-size",
      String(MAX_FILE_SIZE),
      "--log-level",
      "warn",
    ]);
    session = await rawSession(server.url);
  });
  afterAll(async () => {
    await server.stop();
    removeDir(dir);
  });

  /** The server still answers /health, an existing session and a new SDK session. */
  async function stillServing(): Promise<void> {
    expect(server.alive()).toBe(true);
    expect((await server.health()).status).toBe("ok");
    const ping = await rawCall(server.url, session, rpc("ping"));
    expect(ping).toMatchObject({ status: 200, response: { result: {} } });
    const fresh = await connectHttp(server.url);
    expect(await call(fresh.client, "bash", { command: "echo fine" })).toContain("fine");
    await fresh.transport.terminateSession();
    await fresh.client.close();
  }

  const post = (headers: Record<string, string>, body: string | Uint8Array) =>
    fetch(server.url, { method: "POST", headers, body }).then(async (res) => ({
      status: res.status,
      body: await res.text(),
    }));

  it("refuses each kind of bad request with the right 4xx", async () => {
    const ping = JSON.stringify(rpc("ping"));
    const init = JSON.stringify(initializeMessage());
    const withSession = () => sessionHeaders(session);
    const cases: [string, () => Promise<{ status: number; body: string }>, number][] = [
      ["invalid JSON, no session", () => post(MCP_HEADERS, "{not json"), 400],
      ["invalid JSON in a session", () => post(withSession(), '{"jsonrpc": "2.0", "id": 1,'), 400],
      ["empty body", () => post(withSession(), ""), 400],
      ["bytes that are not UTF-8", () => post(withSession(), new Uint8Array([0xff, 0xfe, 0x00, 0x7b])), 400],
      ["JSON that is not JSON-RPC", () => post(withSession(), '{"hello": "world"}'), 400],
      ["a batch of garbage", () => post(withSession(), JSON.stringify([1, "x", null])), 400],
      ["100k nested arrays", () => post(withSession(), `${"[".repeat(100_000)}${"]".repeat(100_000)}`), 400],
      ["text/plain initialize", () => post({ ...MCP_HEADERS, "Content-Type": "text/plain" }, init), 415],
      ["text/plain in a session", () => post({ ...withSession(), "Content-Type": "text/plain" }, ping), 415],
      [
        "form-encoded",
        () => post({ ...withSession(), "Content-Type": "application/x-www-form-urlencoded" }, ping),
        415,
      ],
      ["Accept: text/html", () => post({ ...MCP_HEADERS, Accept: "text/html" }, init), 406],
      [
        "Accept without event-stream",
        () => post({ ...withSession(), Accept: "application/json" }, ping),
        406,
      ],
      ["no Accept", () => post({ "Content-Type": "application/json", "Mcp-Session-Id": session }, ping), 406],
      ["garbage Mcp-Session-Id", () => post({ ...MCP_HEADERS, "Mcp-Session-Id": "garbage" }, ping), 404],
      ["empty Mcp-Session-Id", () => post({ ...MCP_HEADERS, "Mcp-Session-Id": "" }, ping), 404],
      ["8 KB Mcp-Session-Id", () => post({ ...MCP_HEADERS, "Mcp-Session-Id": "x".repeat(8000) }, ping), 404],
      ["a request without a session", () => post(MCP_HEADERS, ping), 400],
      [
        "unsupported protocol version",
        () => post({ ...withSession(), "Mcp-Protocol-Version": "1999-01-01" }, ping),
        400,
      ],
      ["initialize again in a session", () => post(withSession(), init), 400],
      [
        "GET stream without event-stream Accept",
        () =>
          fetch(server.url, { headers: { Accept: "application/json", "Mcp-Session-Id": session } }).then(
            async (r) => ({ status: r.status, body: await r.text() }),
          ),
        406,
      ],
      [
        "DELETE of an unknown session",
        () =>
          fetch(server.url, { method: "DELETE", headers: { "Mcp-Session-Id": "nope" } }).then(async (r) => ({
            status: r.status,
            body: await r.text(),
          })),
        404,
      ],
      [
        "PUT",
        () =>
          fetch(server.url, { method: "PUT", headers: withSession(), body: ping }).then(async (r) => ({
            status: r.status,
            body: await r.text(),
          })),
        405,
      ],
    ];
    for (const [name, send, status] of cases) {
      const answer = await send();
      expect({ name, status: answer.status }).toEqual({ name, status });
      // A JSON-RPC error body says what was wrong, never a stack trace.
      expect(answer.body, name).not.toMatch(/\n\s+at /);
    }
    await stillServing();
  });

  it("refuses bodies over the limit with 413, however they are sent, and accepts one just under", async () => {
    const huge = JSON.stringify(
      rpc("tools/call", {
        name: "create_file",
        arguments: { path: "big.txt", content: "a".repeat(BODY_LIMIT) },
      }),
    );
    expect((await post(sessionHeaders(session), huge)).status).toBe(413);
    // Chunked, without a Content-Length to refuse up front.
    const headers = Object.entries(sessionHeaders(session))
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("");
    const head = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
    const piece = Buffer.alloc(256 * 1024, "a");
    const chunked = [
      head,
      ...Array.from({ length: 8 }, () => [`${piece.length.toString(16)}\r\n`, piece, "\r\n"]).flat(),
      "0\r\n\r\n",
    ];
    expect(statusOf(await rawExchange(server.port, chunked))).toBe(413);
    // A Content-Length far beyond the limit, and no body at all.
    expect(
      statusOf(
        await rawExchange(
          server.port,
          [head.replace("Transfer-Encoding: chunked", "Content-Length: 99999999999")],
          { endAfter: false },
        ),
      ),
    ).toBe(413);

    // A file just under --max-file-size, every character escaped in JSON (the body doubles).
    const content = '"\\'.repeat(MAX_FILE_SIZE / 2 - 1);
    const created = await rawCall(
      server.url,
      session,
      rpc("tools/call", { name: "create_file", arguments: { path: "just-under.txt", content } }),
    );
    expect(created.status).toBe(200);
    expect(JSON.stringify(created.response)).not.toContain('"isError":true');
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(`${dir}/just-under.txt`, "utf8")).toBe(content);
    await stillServing();
  });

  it("survives broken HTTP on the wire", async () => {
    const headers = Object.entries(sessionHeaders(session))
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("");
    const ping = JSON.stringify(rpc("ping"));
    const answers = await Promise.all([
      rawExchange(server.port, ["GARBAGE\r\n\r\n"]),
      rawExchange(server.port, ["POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n"]),
      rawExchange(server.port, [
        `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(70_000)}\r\n\r\n`,
      ]),
      // Promises 1000 bytes, sends 10, hangs up.
      rawExchange(server.port, [
        `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Content-Length: 1000\r\n\r\n{"jsonrpc"`,
      ]),
      // A chunk size that is not hex.
      rawExchange(server.port, [
        `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Transfer-Encoding: chunked\r\n\r\nzz\r\n${ping}\r\n0\r\n\r\n`,
      ]),
      // Both Content-Length and chunked (request smuggling shape).
      rawExchange(server.port, [
        `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      ]),
      // NUL bytes in the request line.
      rawExchange(server.port, ["POST /mcp\0\0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"]),
      // Not HTTP at all.
      rawExchange(server.port, [
        Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03]),
      ]),
    ]);
    for (const answer of answers) {
      const status = statusOf(answer);
      // Either a 4xx or the connection was simply closed: never a 5xx, never a crash.
      if (status !== 0) expect(status).toBeGreaterThanOrEqual(400);
      if (status !== 0) expect(status).toBeLessThan(500);
    }
    await stillServing();
  });

  it("answers random headers and bodies with 2xx or 4xx, never 5xx (property)", async () => {
    const headerValue = fc.oneof(
      fc.string({
        unit: fc.constantFrom(..." !#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~".split("")),
        maxLength: 60,
      }),
      fc.constantFrom(
        "application/json",
        "text/event-stream",
        "application/json, text/event-stream",
        "*/*",
        "",
      ),
    );
    const body = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString("latin1")),
      fc.constantFrom(
        JSON.stringify(rpc("ping")),
        JSON.stringify(rpc("tools/list")),
        JSON.stringify(rpc("tools/call", { name: "view", arguments: { path: "." } })),
        JSON.stringify({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1 } }),
        JSON.stringify(rpc("no/such/method")),
      ),
    );
    const sessionHeader = fc.oneof(
      fc.constant<string | undefined>(undefined),
      fc.constant(session),
      headerValue,
    );
    const seenStatuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.constantFrom("POST", "POST", "POST", "GET", "DELETE", "PATCH", "OPTIONS"),
          accept: fc.option(headerValue),
          contentType: fc.option(headerValue),
          protocolVersion: fc.option(fc.oneof(fc.constant(PROTOCOL_VERSION), headerValue)),
          sessionId: sessionHeader,
          body,
        }),
        async (r) => {
          // DELETE with the shared session would end it; the other tests of this file need it.
          if (r.method === "DELETE" && r.sessionId === session) return;
          const headers: Record<string, string> = {};
          if (r.accept !== null) headers.Accept = r.accept;
          if (r.contentType !== null) headers["Content-Type"] = r.contentType;
          if (r.protocolVersion !== null) headers["Mcp-Protocol-Version"] = r.protocolVersion;
          if (r.sessionId !== undefined) headers["Mcp-Session-Id"] = r.sessionId;
          const controller = new AbortController();
          const res = await fetch(server.url, {
            method: r.method,
            headers,
            ...(r.method === "POST" || r.method === "PATCH" ? { body: r.body } : {}),
            signal: controller.signal,
          });
          seenStatuses.add(res.status);
          // A GET that opened an event stream stays open: read nothing, just let it go.
          if (res.headers.get("content-type")?.startsWith("text/event-stream") && r.method === "GET") {
            controller.abort();
          } else {
            await res.text();
          }
          expect(res.status).toBeGreaterThanOrEqual(200);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 400 },
    );
    expect([...seenStatuses].some((s) => s >= 400)).toBe(true);
    await stillServing();
    // The shared session was not broken by anything it was sent.
    const listed = await rawCall(server.url, session, rpc("tools/list"));
    expect(listed.response?.result).toHaveProperty("tools");
  });
});
