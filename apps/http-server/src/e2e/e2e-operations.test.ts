import { spawnSync } from "node:child_process";
import { request } from "node:http";
import { bash, isRunning, textOf, waitUntil } from "@boris-mcp/test-support";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connect,
  INITIALIZE,
  MAIN,
  MCP_HEADERS,
  type RunningServer,
  rawInitialize,
  rawRequest,
  rawSession,
  startServer,
} from "../test/harness.js";

interface Health {
  status: string;
  instance: string;
  sessions: number;
  version: string;
}

async function health(server: RunningServer): Promise<Health> {
  return (await (await fetch(`${server.base}/health`)).json()) as Health;
}

const TOOLS_LIST = { jsonrpc: "2.0", id: 2, method: "tools/list" };

describe("boris-http instances", () => {
  it("names its sessions after --instance-id and shows the id in /health and the ready line", async () => {
    const server = await startServer(["--instance-id", "pod-7", "--log-level", "info"]);
    try {
      expect(await health(server)).toMatchObject({ status: "ok", instance: "pod-7", sessions: 0 });
      expect(server.stderr()).toMatch(/boris-http ready .*instance=pod-7/);
      const { sessionId } = await rawInitialize(server.url);
      expect(sessionId).toMatch(/^pod-7\.[0-9a-f]{32}$/);
      const ready = await fetch(`${server.base}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready", instance: "pod-7" });
      // Commands know which instance runs them, though the id came from the flag.
      const echo = await rawRequest(server.url, await rawSession(server.url), {
        jsonrpc: "2.0",
        id: 5,
        method: "tools/call",
        params: { name: "bash", arguments: { command: "echo instance=$BORIS_INSTANCE_ID" } },
      });
      expect(JSON.stringify(echo.response)).toContain("instance=pod-7");
    } finally {
      await server.stop();
    }
  });

  it("picks a random 8-hex id per start, and answers another instance's id with the unknown-id 404", async () => {
    const [a, b] = await Promise.all([startServer(), startServer()]);
    try {
      const [ha, hb] = [await health(a), await health(b)];
      expect(ha.instance).toMatch(/^[0-9a-f]{8}$/);
      expect(hb.instance).toMatch(/^[0-9a-f]{8}$/);
      expect(ha.instance).not.toBe(hb.instance);
      const fromA = await rawSession(a.url);
      expect(fromA.startsWith(`${ha.instance}.`)).toBe(true);
      expect(fromA).toMatch(/^[\x21-\x7e]+$/);
      expect((await rawRequest(a.url, fromA, TOOLS_LIST)).status).toBe(200);
      // A's id sent to B: the same 404 as an unknown id, for a request and for an initialize
      const unknown = await fetch(b.url, {
        method: "POST",
        headers: { ...MCP_HEADERS, "Mcp-Session-Id": `${hb.instance}.${"0".repeat(32)}` },
        body: JSON.stringify(TOOLS_LIST),
      });
      for (const body of [TOOLS_LIST, INITIALIZE]) {
        const res = await fetch(b.url, {
          method: "POST",
          headers: { ...MCP_HEADERS, "Mcp-Session-Id": fromA },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(404);
        expect(res.headers.get("mcp-session-id")).toBeNull();
        expect(await res.text()).toBe(await unknown.clone().text());
      }
      expect((await health(b)).sessions).toBe(0);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe("boris-http shutdown", () => {
  it("answers /ready with 503 while closing, opens no session, and a second SIGTERM kills everything at once", async () => {
    const server = await startServer();
    try {
      const c = await connect(server.url);
      await bash(c.client, "trap '' TERM; sleep 300 & wait", { run_in_background: true });
      await bash(c.client, "setsid sh -c 'trap \"\" TERM; exec sleep 300' > /dev/null 2>&1 < /dev/null &");
      await waitUntil("the task and the daemon to run", () => server.sessionProcesses().length >= 3);
      const pids = server.sessionProcesses();
      expect((await fetch(`${server.base}/ready`)).status).toBe(200);
      server.proc.kill("SIGTERM");
      // The TERM-ignoring task holds the close for the kill grace: meanwhile the server drains.
      await waitUntil(
        "/ready to answer 503",
        async () => (await fetch(`${server.base}/ready`)).status === 503,
      );
      expect((await rawInitialize(server.url)).res.status).toBe(503);
      server.proc.kill("SIGTERM");
      expect(await server.exited).toBe(1);
      expect(server.stderr()).toContain("killed every process of this server");
      expect(pids.filter(isRunning)).toEqual([]);
      expect(server.sessionProcesses()).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});

describe("boris-http sessions whose client went away", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(["--session-orphan-timeout", "0.5"]); // idle timeout: the default 600 s
  });
  afterAll(() => server.stop());

  it("closes a session whose standalone GET stream ended after --session-orphan-timeout, not others", async () => {
    const plain = await rawSession(server.url); // never opens a GET stream: only the idle timeout applies
    const orphan = await rawSession(server.url);
    const started = await rawRequest(server.url, orphan, {
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "bash", arguments: { command: "exec sleep 300", run_in_background: true } },
    });
    expect(JSON.stringify(started.response)).toContain("Command started in background.");
    // One scan gives both the count and the pid: a second scan can miss the task while it execs
    // (its /proc environ is briefly unreadable), which once left the pid undefined.
    let taskPid: number | undefined;
    await waitUntil("the task to run", () => {
      const found = server.sessionProcesses();
      if (found.length === 1) taskPid = found[0];
      return taskPid !== undefined;
    });
    const stream = new AbortController();
    const get = await fetch(server.url, {
      headers: {
        Accept: "text/event-stream",
        "Mcp-Session-Id": orphan,
        "Mcp-Protocol-Version": "2025-06-18",
      },
      signal: stream.signal,
    });
    expect(get.status).toBe(200);
    stream.abort(); // the client is gone without DELETE
    await waitUntil("the orphaned session's task to die", () => !isRunning(taskPid!));
    expect((await rawRequest(server.url, orphan, TOOLS_LIST)).status).toBe(404);
    // The plain session was idle for longer, and is still open.
    expect((await rawRequest(server.url, plain, TOOLS_LIST)).status).toBe(200);
    expect(server.stderr()).not.toContain("idle timeout");
  });
});

describe("boris-http exposure", () => {
  it("generates and requires a token when bound to a non-loopback address without --token", async () => {
    const server = await startServer(["--host", "0.0.0.0"]);
    try {
      const token = /bearer token: ([0-9a-f]+)\n/.exec(server.stderr())?.[1];
      expect(token).toMatch(/^[0-9a-f]{64}$/);
      expect(server.stderr()).toContain("--allow-unauthenticated");
      expect((await rawInitialize(server.url)).res.status).toBe(401);
      expect((await rawInitialize(server.url, { Authorization: `Bearer ${token}` })).res.status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it("serves a non-loopback address without a token only with --allow-unauthenticated, and says so", async () => {
    const noTools = ["--disable-tools", "bash,view,str_replace,create_file,grep,glob"];
    const server = await startServer(["--host", "0.0.0.0", "--allow-unauthenticated", ...noTools]);
    try {
      expect(server.stderr()).not.toContain("bearer token:");
      expect(server.stderr()).toContain("without a token (--allow-unauthenticated)");
      expect((await rawInitialize(server.url)).res.status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it("says another process holds the port, and how to pick another", async () => {
    const server = await startServer();
    try {
      const port = new URL(server.base).port;
      const second = spawnSync(process.execPath, [MAIN, "--port", port], { encoding: "utf8" });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(
        `boris-http: cannot listen on 127.0.0.1:${port}: another process holds the port`,
      );
      expect(second.stderr).toContain("--port 0");
    } finally {
      await server.stop();
    }
  });
});

/** A request from a chosen loopback source address (127.0.0.2 is this machine too). */
function requestFrom(
  localAddress: string,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) {
  return new Promise<number>((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.headers, localAddress }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

describe("boris-http with a token, to clients that try OAuth", () => {
  const token = "ops-token-0123456789";
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(["--token", token]);
  });
  afterAll(() => server.stop());

  it("answers every OAuth discovery path with a JSON error explaining the static bearer token", async () => {
    for (const path of [
      "/.well-known/oauth-protected-resource",
      "/.well-known/oauth-protected-resource/mcp",
      "/.well-known/oauth-authorization-server",
      "/.well-known/oauth-authorization-server/mcp",
      "/.well-known/openid-configuration",
      "/mcp/.well-known/openid-configuration",
      "/register",
    ]) {
      const res = await fetch(`${server.base}${path}`, { method: path === "/register" ? "POST" : "GET" });
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/json");
      const body = (await res.json()) as { error: string; error_description: string };
      expect(body.error).toBe("invalid_request");
      expect(body.error_description).toContain("static bearer token");
      expect(body.error_description).toContain("Authorization: Bearer <token>");
      expect(body.error_description).toContain(server.url);
    }
  });

  it("shows that explanation to an SDK client that attempts OAuth instead of a registration error", async () => {
    const transport = new StreamableHTTPClientTransport(new URL(server.url), {
      authProvider: {
        redirectUrl: "http://127.0.0.1:1/callback",
        clientMetadata: { redirect_uris: ["http://127.0.0.1:1/callback"], client_name: "e2e" },
        clientInformation: () => undefined,
        saveClientInformation: () => {},
        tokens: () => undefined,
        saveTokens: () => {},
        redirectToAuthorization: () => {},
        saveCodeVerifier: () => {},
        codeVerifier: () => "verifier",
      },
    });
    const client = new Client({ name: "oauth-e2e", version: "1.0.0" });
    const failure = await client.connect(transport).then(
      () => "connected",
      (err: Error) => err.message,
    );
    expect(failure).toContain("static bearer token");
    await client.close();
  });

  it("logs refused requests once per client address per minute", async () => {
    const before = server.stderr().split("\n").length;
    const bad = {
      method: "POST",
      headers: { ...MCP_HEADERS, Authorization: "Bearer wrong" },
      body: JSON.stringify(INITIALIZE),
    };
    for (const from of ["127.0.0.2", "127.0.0.3"]) {
      for (let i = 0; i < 3; i++) expect(await requestFrom(from, server.url, bad)).toBe(401);
      expect(await requestFrom(from, `${server.base}/register`, { method: "POST", headers: {} })).toBe(404);
    }
    const logged = server
      .stderr()
      .split("\n")
      .slice(before - 1)
      .filter((line) => line.includes("client=127.0.0."));
    expect(logged).toHaveLength(2);
    expect(logged[0]).toContain("client=127.0.0.2");
    expect(logged[0]).toContain("refused a request without the right bearer token");
    expect(logged[1]).toContain("client=127.0.0.3");
    // a client with the token is served all the while
    const ok = await connect(server.url, { headers: { Authorization: `Bearer ${token}` } });
    expect(textOf(await ok.client.callTool({ name: "bash", arguments: { command: "echo ok" } }))).toContain(
      "ok",
    );
    await ok.client.close();
  });
});
