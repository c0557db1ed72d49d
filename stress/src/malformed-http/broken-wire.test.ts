import { describe, expect, it } from "vitest";
import { rawExchange, statusOf, useMalformedTarget } from "../harness/malformed.js";
import { rpc, sessionHeaders } from "../harness/raw-http.js";

describe("malformed HTTP on the wire", () => {
  const target = useMalformedTarget();

  it("survives broken HTTP on the wire", async () => {
    const { stillServing } = target;
    const server = target.server();
    const session = target.session();
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
});
