// The MCP protocol layer of the built `boris` (tools' ProtocolServer over the stdio LineTransport):
// version negotiation, JSON-RPC errors, cancellation, progress and server→client requests.
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { clientWithRoots, isGone, textOf, waitFor } from "@boris-mcp/test-support";
import { type CallToolResult, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, describe, expect, it } from "vitest";
import { MAIN, makeWorkdir, SERVER_NODE, startStdio } from "./test/harness.js";

const workdir = makeWorkdir();
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

/** `boris` spoken to line by line, for what an SDK client would refuse to send. */
function rawServer() {
  const child = spawn(SERVER_NODE, [MAIN, "--workdir", workdir], { stdio: ["pipe", "pipe", "pipe"] });
  const answers: Record<string, unknown>[] = [];
  let pending = "";
  child.stdout.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    for (let i = pending.indexOf("\n"); i >= 0; i = pending.indexOf("\n")) {
      answers.push(JSON.parse(pending.slice(0, i)));
      pending = pending.slice(i + 1);
    }
  });
  child.stderr.resume();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    send(line: string | object) {
      child.stdin.write(`${typeof line === "string" ? line : JSON.stringify(line)}\n`);
    },
    /** The answer to request `id` (`null`: an answer without an id). */
    async answer(id: string | number | null): Promise<Record<string, unknown>> {
      const find = () => answers.find((a) => a.id === id);
      expect(await waitFor(() => find() !== undefined), `an answer with id ${id}`).toBe(true);
      return find()!;
    },
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}

const initialize = (id: number, protocolVersion: string) => ({
  jsonrpc: "2.0",
  id,
  method: "initialize",
  params: { protocolVersion, capabilities: {}, clientInfo: { name: "raw", version: "0" } },
});

describe("boris's protocol layer over stdio", () => {
  it("agrees on a version it supports, and offers its newest for one it does not", async () => {
    for (const [asked, agreed] of [
      ["2024-11-05", "2024-11-05"],
      ["2025-06-18", "2025-06-18"],
      ["1999-01-01", "2025-11-25"],
    ]) {
      const server = rawServer();
      try {
        server.send(initialize(1, asked as string));
        const { result } = (await server.answer(1)) as { result: Record<string, unknown> };
        expect(result.protocolVersion, `asked ${asked}`).toBe(agreed);
        expect(result).toMatchObject({
          serverInfo: { name: "boris" },
          capabilities: { tools: { listChanged: false } },
        });
        expect(result.instructions).toContain(workdir);
      } finally {
        await server.stop();
      }
    }
  });

  it("answers malformed messages with JSON-RPC errors and goes on", async () => {
    const server = rawServer();
    try {
      server.send(initialize(1, "2025-06-18"));
      await server.answer(1);
      server.send("{ this is not json");
      expect(await server.answer(null)).toMatchObject({ error: { code: -32700 } });
      server.send({ jsonrpc: "2.0", id: 2, method: 42 });
      expect(await server.answer(2)).toMatchObject({ error: { code: -32600 } });
      server.send({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { arguments: {} } });
      expect(await server.answer(3)).toMatchObject({ error: { code: -32602 } });
      server.send({ jsonrpc: "2.0", id: 4, method: "initialize", params: { capabilities: {} } });
      expect(await server.answer(4)).toMatchObject({ error: { code: -32602 } });
      server.send({ jsonrpc: "2.0", id: 5, method: "ping" });
      expect(await server.answer(5)).toEqual({ jsonrpc: "2.0", id: 5, result: {} });
    } finally {
      await server.stop();
    }
  });

  it("answers an unknown method with -32601 and a tool call with non-object arguments with INVALID_INPUT", async () => {
    const run = await startStdio(["--workdir", workdir]);
    try {
      const refused = await run.client.request({ method: "made/up" } as never, {} as never).catch((e) => e);
      expect(refused).toBeInstanceOf(McpError);
      expect((refused as McpError).code).toBe(-32601);
      const result = (await run.client.callTool({
        name: "bash",
        arguments: "echo hi" as never,
      })) as CallToolResult;
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^\[INVALID_INPUT\] bash: 'arguments' must be an object/);
      await run.client.ping();
    } finally {
      run.child.stdin!.end();
      await run.exited;
    }
  });

  it("sends progress tied to the call, and a cancelled call kills its command", async () => {
    const run = await startStdio(["--workdir", workdir]);
    try {
      const messages: string[] = [];
      const printed = await run.client.callTool(
        { name: "bash", arguments: { command: "for i in 1 2 3; do echo line$i; sleep 0.1; done" } },
        undefined,
        { onprogress: (p) => messages.push(p.message ?? "") },
      );
      expect((printed as CallToolResult).structuredContent).toMatchObject({ exit_code: 0 });
      expect(messages.join("")).toContain("line1");

      const pidFile = join(workdir, "sleeper.pid");
      const controller = new AbortController();
      const call = run.client.callTool(
        { name: "bash", arguments: { command: `echo $$ > ${pidFile}; exec sleep 60` } },
        undefined,
        { signal: controller.signal },
      );
      call.catch(() => {});
      const readPid = () => {
        try {
          return Number(readFileSync(pidFile, "utf8")) || undefined;
        } catch {
          return undefined;
        }
      };
      expect(await waitFor(() => readPid() !== undefined)).toBe(true);
      const pid = readPid()!;
      controller.abort("the test cancels");
      await expect(call).rejects.toThrow();
      expect(await waitFor(() => isGone(pid)), `the cancelled command ${pid} is gone`).toBe(true);
      await run.client.ping();
    } finally {
      run.child.stdin!.end();
      await run.exited;
    }
  });

  it("asks the client for its roots through the call that needs them", async () => {
    const roots = clientWithRoots([workdir]);
    const run = await startStdio([], { cwd: "/", client: roots.client });
    try {
      const pwd = await run.client.callTool({ name: "bash", arguments: { command: "pwd" } });
      expect((pwd as CallToolResult).structuredContent).toMatchObject({ stdout: `${workdir}\n` });
      expect(roots.asked).toBe(1);
    } finally {
      run.child.stdin!.end();
      await run.exited;
    }
  });
});
