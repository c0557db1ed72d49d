import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRunning, startTcpProxy, type TcpProxy, textOf, waitUntil } from "@boris-mcp/test-support";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MCP_HEADERS, type RunningServer, sseMessages, startServer } from "../test/harness.js";
import {
  bashRequest,
  type CountingClient,
  countingClient,
  cutAndAwaitResume,
  gatedCommand,
  RESUMABLE_PROTOCOL,
  resumableSession,
} from "../test/resumable.js";

/** An SDK client whose transport records the Content-Type of every POST answer, in order. */
async function recordingClient(url: string) {
  const postAnswers: string[] = [];
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      if (init?.method === "POST" && res.status === 200)
        postAnswers.push(res.headers.get("content-type") ?? "");
      return res;
    },
  });
  const client = new Client({ name: "boris-json-e2e", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport, postAnswers };
}

/**
 * `--json-response-window`: a POST whose responses are ready within the window, with nothing sent
 * before them, is answered with one `application/json` response; anything else gets the SSE stream
 * of protocol 2025-11-25, primed and resumable. Windows are chosen so that load cannot change the
 * form: 600 s where an answer must be JSON, a gate the test opens where it must outlast the window.
 */
describe("boris-http answers quick requests in JSON", () => {
  let server: RunningServer;
  let sessionId: string;
  const post = (body: unknown, signal?: AbortSignal) =>
    fetch(server.url, {
      method: "POST",
      headers: { ...MCP_HEADERS, "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": RESUMABLE_PROTOCOL },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });

  beforeAll(async () => {
    server = await startServer(["--json-response-window", "600", "--resume-window", "600"]);
    sessionId = await resumableSession(server.url);
  });
  afterAll(() => server?.stop());

  it("answers a call with nothing to say before its result as one JSON response with its length", async () => {
    const res = await post(bashRequest(2, "echo quick answer"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("mcp-session-id")).toBe(sessionId);
    const text = await res.text();
    expect(Number(res.headers.get("content-length"))).toBe(Buffer.byteLength(text));
    const answer = JSON.parse(text) as { id: number; result: unknown };
    expect(answer).toMatchObject({ jsonrpc: "2.0", id: 2 });
    expect(textOf(answer.result)).toContain("quick answer");
  });

  it("answers a batch whose responses all come in time with one JSON array", async () => {
    const res = await post([
      { jsonrpc: "2.0", id: "a", method: "ping" },
      { jsonrpc: "2.0", id: "b", method: "tools/list" },
    ]);
    expect(res.headers.get("content-type")).toBe("application/json");
    const answers = (await res.json()) as { id: string; result: Record<string, unknown> }[];
    expect(answers.map((a) => a.id).sort()).toEqual(["a", "b"]);
    expect(answers.find((a) => a.id === "b")?.result.tools).toEqual(expect.any(Array));
  });

  it("opens the primed SSE stream for a call that sends a notification before its result", async () => {
    const request = bashRequest(3, "echo some output");
    (request.params as Record<string, unknown>)._meta = { progressToken: "p3" };
    const res = await post(request);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const text = await res.text();
    expect(text).toMatch(/^id: \S+\nretry: 1000\ndata: \n\n/);
    const messages = sseMessages(text);
    expect(messages.map((m) => m.method ?? m.id)).toEqual(["notifications/progress", 3]);
    expect(JSON.stringify(messages[0])).toContain("some output");
  });

  it("lets the SDK client read both forms: a quick call's JSON, a progressing call's stream", async () => {
    const { client, transport, postAnswers } = await recordingClient(server.url);
    try {
      const quick = await client.callTool({ name: "bash", arguments: { command: "echo over json" } });
      expect(textOf(quick)).toContain("over json");
      expect(postAnswers.at(-1)).toBe("application/json");

      const progress: string[] = [];
      const streamed = await client.callTool(
        { name: "bash", arguments: { command: "echo over sse" } },
        undefined,
        { onprogress: (p) => progress.push(p.message ?? "") },
      );
      expect(textOf(streamed)).toContain("over sse");
      expect(progress.join("")).toContain("over sse");
      expect(postAnswers.at(-1)).toBe("text/event-stream");
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
  });

  it("cancels a call whose client left while its answer was held (it holds no cursor): its process dies", async () => {
    const leaving = new AbortController();
    const answer = post(bashRequest(4, "echo $$ > held.pid; exec sleep 300"), leaving.signal).catch(
      (err: Error) => err,
    );
    const pidFile = join(server.workdir, "held.pid");
    await waitUntil(
      "the held call's command to start",
      () => existsSync(pidFile) && readFileSync(pidFile, "utf8").endsWith("\n"),
    );
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(isRunning(pid)).toBe(true);
    leaving.abort();
    expect(await answer).toBeInstanceOf(Error);
    await waitUntil("the command of the abandoned call to be killed", () => !isRunning(pid));
  });
});

describe("boris-http streams what outlasts the JSON window", () => {
  let server: RunningServer;
  let proxy: TcpProxy;
  let client: CountingClient;

  beforeAll(async () => {
    server = await startServer(["--json-response-window", "0.05", "--resume-window", "600"]);
    proxy = await startTcpProxy("127.0.0.1", Number(new URL(server.url).port));
    client = await countingClient(`http://${proxy.address}/mcp`);
  });
  afterAll(async () => {
    await client?.close();
    await proxy?.close();
    await server?.stop();
  });

  it("opens the primed SSE stream once the window passed, before the result", async () => {
    const sessionId = await resumableSession(server.url);
    const res = await fetch(server.url, {
      method: "POST",
      headers: { ...MCP_HEADERS, "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": RESUMABLE_PROTOCOL },
      body: JSON.stringify(bashRequest(5, gatedCommand("raw"))),
    });
    // The headers came while the command still waits for its gate.
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    expect(text).toMatch(/^id: \S+\nretry: 1000\ndata: \n\n$/);
    writeFileSync(join(server.workdir, "raw.go"), "");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    expect(textOf((sseMessages(text)[0] as { result: unknown }).result)).toContain("finished raw");
  });

  it("lets the SDK client resume such a stream after a cut and get the result", async () => {
    const cursors: string[] = [];
    const call = client.client.callTool(
      { name: "bash", arguments: { command: gatedCommand("cut") } },
      undefined,
      {
        timeout: 60_000,
        onresumptiontoken: (token) => cursors.push(token),
      },
    );
    await waitUntil(
      "the gated call to run with a cursor in the client",
      () => existsSync(join(server.workdir, "cut.runs")) && cursors.length > 0,
    );
    expect(await cutAndAwaitResume(client, proxy)).toBe(cursors[0]);
    writeFileSync(join(server.workdir, "cut.go"), "");
    expect(textOf(await call)).toContain("finished cut");
    expect(readFileSync(join(server.workdir, "cut.runs"), "utf8")).toBe("run\n");
  });
});
