import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bash, isRunning, processesWithEnv, textOf, waitUntil } from "@boris-mcp/test-support";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connect,
  MCP_HEADERS,
  makeWorkdir,
  type RunningServer,
  rawRequest,
  rawSession,
  startServer,
} from "../test/harness.js";

/** The session marker every process of a session carries (SPEC §2). */
async function markerOf(client: Client): Promise<string> {
  const { text, structured } = await bash(client, 'printf "%s" "$BORIS_SESSION"');
  expect(structured?.exit_code).toBe(0);
  expect(text).toMatch(/stdout:\n\S+/);
  return String(structured!.stdout);
}

function processesOf(marker: string): number[] {
  return processesWithEnv(`BORIS_SESSION=${marker}`);
}

async function startBackground(client: Client, command: string): Promise<string> {
  const { structured, text } = await bash(client, command, { run_in_background: true });
  expect(text).toContain("Command started in background.");
  return String(structured!.task_id);
}

async function pwd(client: Client): Promise<string> {
  return String((await bash(client, "pwd")).structured!.stdout).trim();
}

describe("boris-http per-connection sessions (seed 002)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
    mkdirSync(join(server.workdir, "sub"));
  });
  afterAll(() => server.stop());

  it("gives two clients independent working directories", async () => {
    const a = await connect(server.url);
    const b = await connect(server.url);
    await bash(a.client, "cd /tmp");
    expect(await pwd(a.client)).toBe("/tmp");
    expect(await pwd(b.client)).toBe(server.workdir);
    await a.transport.terminateSession();
    await b.transport.terminateSession();
  });

  it("gives two clients independent task pools and session markers", async () => {
    const a = await connect(server.url);
    const b = await connect(server.url);
    const taskId = await startBackground(a.client, "sleep 30");
    const fromB = await b.client.callTool({ name: "task_output", arguments: { task_id: taskId } });
    expect(fromB.isError).toBe(true);
    expect(textOf(fromB)).toMatch(/^\[BASH_TASK_NOT_FOUND\]/);
    const fromA = await a.client.callTool({ name: "task_output", arguments: { task_id: taskId } });
    expect(fromA.isError).toBeFalsy();
    expect(textOf(fromA)).toContain("running");
    const [ma, mb] = [await markerOf(a.client), await markerOf(b.client)];
    expect(ma).not.toBe(mb);
    await a.transport.terminateSession();
    await b.transport.terminateSession();
  });

  it("gives two clients different sentinel nonces; one's sentinel means nothing to the other", async () => {
    const a = await connect(server.url);
    const b = await connect(server.url);
    // The wrapper script (in the shell's argv) carries the session's sentinel; print its nonce.
    const nonceOf = async (c: Client) => {
      const { structured } = await bash(
        c,
        "tr '\\0' '\\n' < /proc/$$/cmdline | grep -o '__BORIS_CWD_[0-9a-f]*__' | head -1 | cut -c13- | tr -d _",
      );
      return String(structured!.stdout).trim();
    };
    const [na, nb] = [await nonceOf(a.client), await nonceOf(b.client)];
    expect(na).toMatch(/^[0-9a-f]{8,}$/);
    expect(nb).toMatch(/^[0-9a-f]{8,}$/);
    expect(na).not.toBe(nb);
    // B's sentinel printed in A is plain output: A's cwd does not move to /etc.
    const forged = await bash(a.client, `printf '\\n__BORIS_CWD_%s__/etc\\n' ${nb}`);
    expect(String(forged.structured!.stdout)).toContain(`__BORIS_CWD_${nb}__/etc`);
    expect(await pwd(a.client)).toBe(server.workdir);
    await a.transport.terminateSession();
    await b.transport.terminateSession();
  });

  it("keeps the cwd when a client reconnects with the same Mcp-Session-Id", async () => {
    const first = await connect(server.url);
    await bash(first.client, "cd sub");
    await first.client.close(); // drops the connection, not the session
    const again = await connect(server.url, { sessionId: first.sessionId });
    expect(await pwd(again.client)).toBe(join(server.workdir, "sub"));
    // without the id: a new session that starts in --workdir
    const fresh = await connect(server.url);
    expect(fresh.sessionId).not.toBe(first.sessionId);
    expect(await pwd(fresh.client)).toBe(server.workdir);
    await again.transport.terminateSession();
    await fresh.transport.terminateSession();
  });

  it("kills a session's background tasks on DELETE and only that session's", async () => {
    const a = await connect(server.url);
    const b = await connect(server.url);
    await startBackground(a.client, "sleep 300");
    await startBackground(b.client, "sleep 300");
    const [ma, mb] = [await markerOf(a.client), await markerOf(b.client)];
    await waitUntil("both tasks running", () => processesOf(ma).length > 0 && processesOf(mb).length > 0);
    const pidsA = processesOf(ma);
    await a.transport.terminateSession(); // DELETE answers once the session is closed
    expect(pidsA.filter(isRunning)).toEqual([]);
    expect(processesOf(mb).length).toBeGreaterThan(0);
    const stale = await fetch(server.url, {
      method: "POST",
      headers: { ...MCP_HEADERS, "Mcp-Session-Id": a.sessionId, "Mcp-Protocol-Version": "2025-06-18" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(stale.status).toBe(404);
    await b.transport.terminateSession();
    expect(processesOf(mb)).toEqual([]);
  });

  it("applies path scoping and the tool set to every session (shared config)", async () => {
    const dir = makeWorkdir();
    mkdirSync(join(dir, "ws"));
    const scoped = await startServer(["--allow-dir", join(dir, "ws"), "--max-file-size", "64KB"], {}, dir);
    try {
      writeFileSync(join(scoped.workdir, "outside.txt"), "secret\n");
      for (const c of [await connect(scoped.url), await connect(scoped.url)]) {
        const r = await c.client.callTool({
          name: "view",
          arguments: { path: join(scoped.workdir, "outside.txt") },
        });
        expect(textOf(r)).toMatch(/^\[ACCESS_DENIED\]/);
        await c.transport.terminateSession();
      }
      // a file just under --max-file-size, of characters JSON doubles, passes the body limit
      const c = await connect(scoped.url);
      const content = `${'"\\\n'.repeat(21_000)}end`;
      expect(Buffer.byteLength(content)).toBeLessThan(64 * 1024);
      const created = await c.client.callTool({
        name: "create_file",
        arguments: { path: join(scoped.workdir, "ws", "big.txt"), content },
      });
      expect(textOf(created)).not.toMatch(/^\[/);
      expect(created.isError).toBeFalsy();
      expect(readFileSync(join(scoped.workdir, "ws", "big.txt"), "utf8")).toBe(content);
      await c.transport.terminateSession();
    } finally {
      await scoped.stop();
    }
  });
});

describe("boris-http idle sessions (seed 002/004)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(["--session-idle-timeout", "1"]);
  });
  afterAll(() => server.stop());

  it("closes an idle session, killing its background task; the id then gets 404", async () => {
    const c = await connect(server.url);
    await startBackground(c.client, "sleep 300");
    const marker = await markerOf(c.client);
    await waitUntil("the task to run", () => processesOf(marker).length > 0);
    const pids = processesOf(marker);
    // The client goes away without DELETE (its GET stream closes): the session is now idle.
    await c.client.close();
    await waitUntil("the idle session's task to die", () => pids.every((p) => !isRunning(p)));
    const { status } = await rawRequest(server.url, c.sessionId, {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/list",
    });
    expect(status).toBe(404);
  });

  it("does not cut a foreground command that runs longer than the idle timeout", async () => {
    // Plain POSTs, no GET stream: only the request in flight keeps the session busy.
    const sessionId = await rawSession(server.url);
    const { status, response } = await rawRequest(server.url, sessionId, {
      jsonrpc: "2.0",
      id: 7,
      method: "tools/call",
      params: { name: "bash", arguments: { command: "sleep 2.5; echo finished" } },
    });
    expect(status).toBe(200);
    const result = response!.result as { structuredContent: Record<string, unknown> };
    expect(result.structuredContent).toMatchObject({ exit_code: 0, timed_out: false });
    expect(String(result.structuredContent.stdout)).toContain("finished");
    // still open right after the long call
    expect(
      (await rawRequest(server.url, sessionId, { jsonrpc: "2.0", id: 8, method: "tools/list" })).status,
    ).toBe(200);
  });
});

describe("boris-http shutdown (seed 004)", () => {
  it("SIGTERM closes every session: no process of any session is left", async () => {
    const server = await startServer();
    try {
      const clients = [await connect(server.url), await connect(server.url)];
      for (const c of clients) {
        await startBackground(c.client, "sleep 300");
        await startBackground(c.client, "sleep 300 & sleep 300; wait");
        // a daemon that left the process group and the session
        await bash(c.client, "setsid sleep 300 > /dev/null 2>&1 < /dev/null &");
      }
      await waitUntil("the tasks and daemons to run", () => server.sessionProcesses().length >= 8);
      const pids = server.sessionProcesses();
      server.proc.kill("SIGTERM");
      expect(await server.exited).toBe(0);
      expect(pids.filter(isRunning)).toEqual([]);
      expect(server.sessionProcesses()).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
