import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connect,
  health,
  INITIALIZE,
  MCP_HEADERS,
  type RunningServer,
  rawInitialize,
  startServer,
} from "../test/harness.js";

describe("boris-http bearer auth", () => {
  let server: RunningServer;
  const token = "e2e-token-0123456789";
  beforeAll(async () => {
    server = await startServer(["--token", token]);
  });
  afterAll(() => server.stop());

  it("answers 401 with the exact shape for a missing, wrong or non-Bearer token", async () => {
    for (const authorization of [
      undefined,
      "Bearer wrong",
      `Basic ${Buffer.from(`u:${token}`).toString("base64")}`,
      token,
    ]) {
      const res = await fetch(server.url, {
        method: "POST",
        headers: { ...MCP_HEADERS, ...(authorization ? { Authorization: authorization } : {}) },
        body: JSON.stringify(INITIALIZE),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(await res.json()).toEqual({ error: "unauthorized" });
      expect(res.headers.get("mcp-session-id")).toBeNull();
    }
  });

  it("serves a client with the right token and leaves /health open", async () => {
    const { client } = await connect(server.url, { headers: { Authorization: `Bearer ${token}` } });
    // served: the list comes back instead of a 401 error
    expect(Array.isArray((await client.listTools()).tools)).toBe(true);
    await client.close();
    expect((await health(server)).status).toBe(200);
  });
});

describe("boris-http --generate-token", () => {
  it("prints a 32-byte hex token to stderr and requires it", async () => {
    const server = await startServer(["--generate-token"]);
    try {
      const token = /bearer token: ([0-9a-f]+)\n/.exec(server.stderr())?.[1];
      expect(token).toMatch(/^[0-9a-f]{64}$/);
      expect((await rawInitialize(server.url)).res.status).toBe(401);
      expect((await rawInitialize(server.url, { Authorization: `Bearer ${token}` })).res.status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

describe("boris-http CORS", () => {
  it("answers preflight and exposes Mcp-Session-Id to an allowed origin", async () => {
    const origin = "http://localhost:6274";
    const server = await startServer(["--allow-origin", origin]);
    try {
      const pre = await fetch(server.url, {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "POST" },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get("access-control-allow-origin")).toBe(origin);
      expect(pre.headers.get("access-control-allow-headers")).toBe(
        "Authorization, Content-Type, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID",
      );
      expect(pre.headers.get("access-control-allow-methods")).toContain("DELETE");
      const init = await rawInitialize(server.url, { Origin: origin });
      expect(init.res.status).toBe(200);
      expect(init.res.headers.get("access-control-allow-origin")).toBe(origin);
      expect(init.res.headers.get("access-control-expose-headers")).toBe("Mcp-Session-Id");
      expect((await rawInitialize(server.url, { Origin: "http://localhost:9999" })).res.status).toBe(403);
    } finally {
      await server.stop();
    }
  });
});
