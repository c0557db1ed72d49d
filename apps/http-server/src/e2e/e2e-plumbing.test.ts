import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { COMPAT_TOOLS, STANDARD_TOOLS } from "@boris-mcp/test-support";
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

function statusWithHost(base: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/health`, { headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("boris-http basics", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(["--deny-dir", "**/.env"]);
  });
  afterAll(() => server.stop());

  it("prints the listening line with the real port and answers /health", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(server.url).not.toContain(":0/");
    const h = await health(server);
    expect(h.status).toBe(200);
    expect(h.body).toEqual({
      status: "ok",
      instance: expect.stringMatching(/^[0-9a-f]{8}$/),
      sessions: 0,
      containment: expect.stringMatching(/^(cgroup|marker)$/),
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
  });

  it("serves the tools and the instructions, and counts the session in /health", async () => {
    const { client, transport } = await connect(server.url);
    try {
      expect((await health(server)).body.sessions).toBe(1);
      expect(client.getInstructions()).toContain(
        `Working directory: ${server.workdir}\nDenied patterns: **/.env\n`,
      );
      expect(client.getInstructions()).toContain("[CODE]");
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(STANDARD_TOOLS);
    } finally {
      await transport.terminateSession();
      await client.close();
    }
    expect((await health(server)).body.sessions).toBe(0);
  });

  it("answers 404 for an unknown session id and allocates nothing", async () => {
    const before = (await health(server)).body.sessions;
    for (const method of ["POST", "GET", "DELETE"]) {
      const res = await fetch(server.url, {
        method,
        headers: { ...MCP_HEADERS, "Mcp-Session-Id": randomUUID() },
        ...(method === "POST" ? { body: JSON.stringify(INITIALIZE) } : {}),
      });
      expect(res.status).toBe(404);
    }
    expect((await health(server)).body.sessions).toBe(before);
  });

  it("answers 400 for a request without a session id that is not initialize", async () => {
    const post = await fetch(server.url, {
      method: "POST",
      headers: MCP_HEADERS,
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
    });
    expect(post.status).toBe(400);
    expect(await post.text()).toContain("Mcp-Session-Id");
    const get = await fetch(server.url, { headers: { Accept: "text/event-stream" } });
    expect(get.status).toBe(400);
    const bad = await fetch(server.url, { method: "POST", headers: MCP_HEADERS, body: "{not json" });
    expect(bad.status).toBe(400);
    expect((await health(server)).body.sessions).toBe(0);
  });

  it("closes a session on DELETE; its id then gets 404", async () => {
    const { sessionId, res } = await rawInitialize(server.url);
    expect(res.status).toBe(200);
    expect(sessionId).toBeDefined();
    const del = await fetch(server.url, {
      method: "DELETE",
      headers: { "Mcp-Session-Id": sessionId!, "Mcp-Protocol-Version": "2025-06-18" },
    });
    expect(del.status).toBe(200);
    const after = await fetch(server.url, {
      method: "POST",
      headers: { ...MCP_HEADERS, "Mcp-Session-Id": sessionId! },
      body: JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/list" }),
    });
    expect(after.status).toBe(404);
  });

  it("refuses a browser Origin that is not allowed, and a non-loopback Host", async () => {
    const origin = await fetch(`${server.base}/health`, { headers: { Origin: "http://evil.example" } });
    expect(origin.status).toBe(403);
    const init = await rawInitialize(server.url, { Origin: "http://evil.example" });
    expect(init.res.status).toBe(403);
    expect(init.sessionId).toBeUndefined();
    // fetch cannot set Host: use node:http
    const port = new URL(server.base).port;
    expect(await statusWithHost(server.base, "evil.example")).toBe(403);
    expect(await statusWithHost(server.base, `evil.example:${port}`)).toBe(403);
    expect(await statusWithHost(server.base, `localhost:${port}`)).toBe(200);
    expect(await statusWithHost(server.base, `[::1]:${port}`)).toBe(200);
    expect((await health(server)).body.sessions).toBe(0);
  });

  it("accepts its own loopback origin without --allow-origin", async () => {
    const own = await rawInitialize(server.url, { Origin: server.base });
    expect(own.res.status).toBe(200);
    expect(own.sessionId).toBeDefined();
    await fetch(server.url, { method: "DELETE", headers: { "Mcp-Session-Id": own.sessionId! } });
  });

  it("answers 404 off /mcp", async () => {
    expect((await fetch(`${server.base}/other`)).status).toBe(404);
  });
});

describe("boris-http tool sets", () => {
  it("serves the compat tool set, and leaves disabled tools out", async () => {
    const compat = await startServer(["--anthropic-compat"]);
    const disabled = await startServer(["--disable-tools", "bash,glob"]);
    const both = await startServer(["--anthropic-compat", "--disable-tools", "bash"]);
    try {
      const names = async (s: RunningServer) => {
        const { client } = await connect(s.url);
        const list = (await client.listTools()).tools.map((t) => t.name);
        await client.close();
        return list;
      };
      expect(await names(compat)).toEqual(COMPAT_TOOLS);
      expect(await names(disabled)).toEqual(["view", "str_replace", "create_file", "grep"]);
      // Seed 002: `--anthropic-compat --disable-tools bash` gives every client the same set.
      expect(await names(both)).toEqual(["str_replace_editor", "grep", "glob"]);
      expect(await names(both)).toEqual(["str_replace_editor", "grep", "glob"]);
    } finally {
      await Promise.all([compat.stop(), disabled.stop(), both.stop()]);
    }
  });
});
