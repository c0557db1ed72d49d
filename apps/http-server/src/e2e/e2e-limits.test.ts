import { waitUntil } from "@boris-mcp/test-support";
import { describe, expect, it } from "vitest";
import { connect, health, MCP_HEADERS, rawInitialize, startServer } from "../test/harness.js";

describe("boris-http limits", () => {
  it("answers 413 for a body over the limit and keeps serving", async () => {
    const server = await startServer(["--max-file-size", "1KB"]);
    try {
      const { client, sessionId } = await connect(server.url);
      const big = JSON.stringify({
        jsonrpc: "2.0",
        id: 9,
        method: "tools/call",
        params: {
          name: "create_file",
          arguments: { path: "big.txt", content: "x".repeat(3 * 1024 * 1024) },
        },
      });
      for (const body of [big, new Blob([big]).stream()]) {
        const res = await fetch(server.url, {
          method: "POST",
          headers: { ...MCP_HEADERS, "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": "2025-06-18" },
          body,
          duplex: "half",
        } as RequestInit);
        expect(res.status).toBe(413);
      }
      // the same session, and new ones, still work
      expect(Array.isArray((await client.listTools()).tools)).toBe(true);
      expect((await health(server)).body.sessions).toBe(1);
      const again = await connect(server.url);
      await again.client.close();
      await client.close();
    } finally {
      await server.stop();
    }
  });

  it("answers 503 with Retry-After beyond --max-sessions", async () => {
    const server = await startServer(["--max-sessions", "1"]);
    try {
      const first = await rawInitialize(server.url);
      expect(first.res.status).toBe(200);
      const second = await rawInitialize(server.url);
      expect(second.res.status).toBe(503);
      expect(Number(second.res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(second.sessionId).toBeUndefined();
      await fetch(server.url, {
        method: "DELETE",
        headers: { "Mcp-Session-Id": first.sessionId!, "Mcp-Protocol-Version": "2025-06-18" },
      });
      expect((await rawInitialize(server.url)).res.status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it("closes an idle session after --session-idle-timeout; its id then gets 404", async () => {
    const server = await startServer(["--session-idle-timeout", "0.5"]);
    try {
      const { sessionId } = await rawInitialize(server.url);
      expect((await health(server)).body.sessions).toBe(1);
      await waitUntil("the idle session to close", async () => (await health(server)).body.sessions === 0);
      const res = await fetch(server.url, {
        method: "POST",
        headers: { ...MCP_HEADERS, "Mcp-Session-Id": sessionId!, "Mcp-Protocol-Version": "2025-06-18" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 4, method: "tools/list" }),
      });
      expect(res.status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it("exits 0 on SIGTERM", async () => {
    const server = await startServer();
    try {
      await rawInitialize(server.url);
      server.proc.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    } finally {
      await server.stop();
    }
  });
});
