import { Session } from "@boris-mcp/session";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, describe, expect, it } from "vitest";
import { createSessionServer, toolNamesFor } from "../index.js";
import { removeDir, tempDir, testConfig } from "../test/file-support.js";
import { type Operation, toolErrorType, watchOperations } from "./operation-watch.js";

const dir = await tempDir("boris-operation-watch-");
afterAll(() => removeDir(dir));

/** A session server watched by `watchOperations`, and an SDK client connected to it in memory. */
async function watched() {
  const config = testConfig();
  const session = new Session({ workdir: dir });
  const server = createSessionServer({ name: "t", version: "0", instructions: "" }, session, config);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const operations: Operation[] = [];
  const lines: Record<string, unknown>[] = [];
  /** Requests the activity hook was told of: started, finished, and open now. */
  const activity = { started: 0, finished: 0, open: 0 };
  await server.connect(serverSide);
  watchOperations(serverSide, {
    toolNames: toolNamesFor(config),
    onOperation: (op) => operations.push(op),
    logger: { info: (fields, message) => lines.push({ ...fields, message }) },
    activity: {
      started: () => {
        activity.started++;
        activity.open++;
      },
      finished: () => {
        activity.finished++;
        activity.open--;
      },
    },
  });
  const client = new Client({ name: "test-client", version: "0" });
  await client.connect(clientSide);
  return {
    client,
    operations,
    lines,
    activity,
    async close() {
      await client.close();
      await session.close();
    },
  };
}

describe("watchOperations", () => {
  it("times each request with its method, tool and error type; logs one line per tool call", async () => {
    const w = await watched();
    try {
      await w.client.listTools();
      await w.client.callTool({ name: "bash", arguments: { command: "true" } });
      await w.client.callTool({ name: "view", arguments: { path: `${dir}/missing.txt` } });
      await w.client.callTool({ name: "no_such_tool", arguments: {} });
      await expect(
        w.client.request({ method: "made/up", params: {} } as never, {} as never),
      ).rejects.toThrow();
      const seen = w.operations.map(({ method, tool, errorType }) => [method, tool, errorType]);
      expect(seen).toEqual([
        ["initialize", "", ""],
        ["tools/list", "", ""],
        ["tools/call", "bash", ""],
        ["tools/call", "view", "PATH_NOT_FOUND"],
        ["tools/call", "other", "INVALID_INPUT"],
        ["other", "", "-32601"],
      ]);
      for (const op of w.operations) expect(op.durationSeconds).toBeGreaterThanOrEqual(0);
      expect(w.lines.map(({ tool, error, message }) => [message, tool, error])).toEqual([
        ["tool call", "bash", undefined],
        ["tool call", "view", "PATH_NOT_FOUND"],
        ["tool call", "other", "INVALID_INPUT"],
      ]);
      expect(typeof w.lines[0]?.ms).toBe("number");
      // The idle collector's view: each request started and finished once, none open now.
      expect(w.activity).toEqual({ started: 6, finished: 6, open: 0 });
    } finally {
      await w.close();
    }
  });

  it("sends the answer before writing the call's log line (the line is not on the answer's path)", async () => {
    const config = testConfig();
    const session = new Session({ workdir: dir });
    const server = createSessionServer({ name: "t", version: "0", instructions: "" }, session, config);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const events: string[] = [];
    await server.connect(serverSide);
    const send = serverSide.send.bind(serverSide);
    serverSide.send = (message, options) => {
      if ("id" in message && ("result" in message || "error" in message)) events.push(`answer ${message.id}`);
      return send(message, options);
    };
    watchOperations(serverSide, {
      toolNames: toolNamesFor(config),
      logger: { info: (fields) => events.push(`log ${(fields as { tool: string }).tool}`) },
    });
    const client = new Client({ name: "test-client", version: "0" });
    try {
      await client.connect(clientSide);
      await client.callTool({ name: "bash", arguments: { command: "true" } });
      expect(events.slice(-2)).toEqual([expect.stringMatching(/^answer /), "log bash"]);
    } finally {
      await client.close();
      await session.close();
    }
  });

  it("ends a cancelled call as cancelled, once", async () => {
    const w = await watched();
    try {
      const abort = new AbortController();
      const call = w.client.callTool({ name: "bash", arguments: { command: "sleep 30" } }, undefined, {
        signal: abort.signal,
      });
      // The call is running once the server has seen it: wait for its request to be pending.
      await expect.poll(() => w.operations.length).toBe(1);
      abort.abort();
      await expect(call).rejects.toThrow();
      await expect.poll(() => w.operations.length).toBe(2);
      expect(w.operations[1]).toMatchObject({ method: "tools/call", tool: "bash", errorType: "cancelled" });
      await w.client.ping();
      expect(w.operations.map((op) => op.method)).toEqual(["initialize", "tools/call", "ping"]);
      expect(w.activity).toEqual({ started: 3, finished: 3, open: 0 });
    } finally {
      await w.close();
    }
  });

  it("ends the requests still open when the transport closes as cancelled", async () => {
    const w = await watched();
    const call = w.client.callTool({ name: "bash", arguments: { command: "sleep 30" } }).then(
      () => "answered",
      () => "rejected",
    );
    await expect.poll(() => w.operations.length).toBe(1);
    await w.close();
    expect(await call).toBe("rejected");
    expect(w.operations[1]).toMatchObject({ method: "tools/call", tool: "bash", errorType: "cancelled" });
    expect(w.activity.open).toBe(0);
  });
});

describe("toolErrorType", () => {
  it("is the [CODE] of an error result, tool_error for an unknown one, empty for a success", () => {
    const text = (t: string) => [{ type: "text", text: t }];
    expect(toolErrorType({ isError: true, content: text("[STR_REPLACE_AMBIGUOUS] twice") })).toBe(
      "STR_REPLACE_AMBIGUOUS",
    );
    expect(toolErrorType({ isError: true, content: text("[MADE_UP] x") })).toBe("tool_error");
    expect(toolErrorType({ isError: true, content: [] })).toBe("tool_error");
    expect(toolErrorType({ content: text("[IO_ERROR] looks like one") })).toBe("");
    expect(toolErrorType(undefined)).toBe("");
  });
});
