import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { COMPAT_TOOLS, STANDARD_TOOLS, waitUntil } from "@boris-mcp/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connect,
  INITIALIZE,
  MAIN,
  MCP_HEADERS,
  type RunningServer,
  rawInitialize,
  SERVER_NODE,
  startServer,
} from "./test/harness.js";

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

async function health(server: RunningServer) {
  const res = await fetch(`${server.base}/health`);
  return {
    status: res.status,
    body: (await res.json()) as { status: string; instance: string; sessions: number; version: string },
  };
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

describe("boris-http option errors", () => {
  const cases: [string[], Record<string, string>, string][] = [
    [["--sessions"], {}, "boris-http: unknown option --sessions."],
    [["--timeout", "abc"], {}, 'boris-http: --timeout "abc": expected a number of seconds above 0.'],
    [["--port", "70000"], {}, 'boris-http: --port "70000": expected a port from 0 to 65535.'],
    [
      ["--token", "t", "--generate-token"],
      {},
      "boris-http: --token and --generate-token cannot be used together",
    ],
    [
      ["--disable-tools", "bash,find"],
      {},
      'boris-http: --disable-tools "find": unknown tool name; valid names are bash, view, str_replace, create_file, grep, glob.',
    ],
    [
      [],
      { BORIS_MAX_FILE_SIZE: "huge" },
      'boris-http: BORIS_MAX_FILE_SIZE="huge": expected a size such as 10MB',
    ],
    [
      ["--workdir", "/no/such/dir/anywhere"],
      {},
      'boris-http: --workdir "/no/such/dir/anywhere": no such directory.',
    ],
    [["--workdir", "/etc/hostname"], {}, 'boris-http: --workdir "/etc/hostname": is not a directory.'],
    [
      ["--instance-id", "pod.1"],
      {},
      `boris-http: --instance-id "pod.1": expected 1 to 32 letters, digits, '_' or '-'`,
    ],
    [
      ["--allow-unauthenticated", "--generate-token"],
      {},
      "boris-http: --allow-unauthenticated and --generate-token cannot be used together",
    ],
    [
      ["--log-level", "loud"],
      {},
      'boris-http: --log-level "loud": expected one of debug, info, warn, error.',
    ],
  ];
  it.each(cases)("%j %j exits 2 with one line", (args, env, message) => {
    const run = spawnSync(SERVER_NODE, [MAIN, ...args], {
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });

  it("prints --help and --version", () => {
    const help = spawnSync(SERVER_NODE, [MAIN, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--session-idle-timeout");
    const version = spawnSync(SERVER_NODE, [MAIN, "--version"], { encoding: "utf8" });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
