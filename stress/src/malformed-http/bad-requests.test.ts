import { describe, expect, it } from "vitest";
import {
  BODY_LIMIT,
  MAX_FILE_SIZE,
  rawExchange,
  statusOf,
  useMalformedTarget,
} from "../harness/malformed.js";
import { initializeMessage, MCP_HEADERS, rawCall, rpc, sessionHeaders } from "../harness/raw-http.js";

describe("malformed HTTP requests", () => {
  const target = useMalformedTarget();

  it("refuses each kind of bad request with the right 4xx", async () => {
    const { post, stillServing } = target;
    const server = target.server();
    const session = target.session();
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
    const { dir, post, stillServing } = target;
    const server = target.server();
    const session = target.session();
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
});
