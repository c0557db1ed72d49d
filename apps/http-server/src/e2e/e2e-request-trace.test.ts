import { bash, waitUntil } from "@boris-mcp/test-support";
import { describe, expect, it } from "vitest";
import { connect, startServer } from "../test/harness.js";

interface Answered {
  msg: string;
  http: string;
  session?: string;
  method?: string;
  rpcId?: unknown;
  status: number;
  receivedAt: number;
  bodyMs: number;
  answeredAt: number;
  ms: number;
}

function records(stderr: string): Record<string, unknown>[] {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("boris-http request trace (--log-level debug)", () => {
  it("logs each MCP request's timing, with its session and JSON-RPC id, and the event-loop delay", async () => {
    const server = await startServer(["--log-level", "debug", "--log-format", "json"]);
    try {
      const { client, sessionId } = await connect(server.url);
      const before = Date.now();
      await bash(client, "echo traced");
      // The line is written once the answer's last byte is out, which the client may see first.
      const tracedCall = () =>
        records(server.stderr()).some((r) => r.msg === "request answered" && r.method === "tools/call");
      await waitUntil("the tools/call's trace line", tracedCall);
      const lines = records(server.stderr());
      const answered = lines.filter((r) => r.msg === "request answered") as unknown as Answered[];
      const initialize = answered.find((r) => r.method === "initialize");
      expect(initialize).toMatchObject({ http: "POST", status: 200 });
      const call = answered.find((r) => r.method === "tools/call");
      expect(call).toMatchObject({ http: "POST", session: sessionId, status: 200 });
      expect(call!.rpcId).toEqual(expect.any(Number));
      expect(call!.answeredAt).toBeGreaterThanOrEqual(call!.receivedAt);
      expect(call!.ms).toBeCloseTo(call!.answeredAt - call!.receivedAt, 0);
      expect(call!.bodyMs).toBeGreaterThanOrEqual(0);
      // Wall-clock ms, comparable with another process's clock.
      expect(call!.receivedAt).toBeGreaterThan(before - 60_000);
      expect(call!.receivedAt).toBeLessThan(Date.now() + 60_000);
      await waitUntil("an event-loop delay line", () =>
        records(server.stderr()).some((r) => r.msg === "event loop delay"),
      );
      const loop = records(server.stderr()).find((r) => r.msg === "event loop delay");
      expect(loop).toMatchObject({ meanMs: expect.any(Number), maxMs: expect.any(Number) });
      await client.close();
    } finally {
      await server.stop();
    }
  });

  it("logs no request timing at the default level", async () => {
    const server = await startServer(["--log-level", "info", "--log-format", "json"]);
    try {
      const { client, transport } = await connect(server.url);
      await bash(client, "echo untraced");
      // The DELETE is handled after the call's answer was out: a trace line would be written by then.
      await transport.terminateSession();
      await waitUntil("the session to close", () => server.stderr().includes('"msg":"session closing"'));
      await client.close();
      expect(records(server.stderr()).filter((r) => r.msg === "request answered")).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
