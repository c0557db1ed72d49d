import { PassThrough } from "node:stream";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { LineTransport } from "./line-transport.js";

function setup(maxLineBytes = 200) {
  const input = new PassThrough();
  const output = new PassThrough();
  const written: string[] = [];
  output.on("data", (chunk: Buffer) => written.push(...chunk.toString().split("\n").filter(Boolean)));
  const refused: [number, unknown][] = [];
  const transport = new LineTransport(input, output, {
    maxLineBytes,
    tooLongMessage: (bytes) => `too long: ${bytes}`,
    onTooLong: (bytes, id) => refused.push([bytes, id]),
  });
  const messages: JSONRPCMessage[] = [];
  const errors: Error[] = [];
  let closed = 0;
  transport.onmessage = (m) => messages.push(m);
  transport.onerror = (e) => errors.push(e);
  transport.onclose = () => closed++;
  return { input, output, transport, written, refused, messages, errors, closed: () => closed };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("LineTransport", () => {
  it("delivers messages, answers an over-long request by its id and goes on", async () => {
    const t = setup();
    await t.transport.start();
    t.input.write(`${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" })}\n`);
    const huge = JSON.stringify({
      method: "tools/call",
      params: { c: "a".repeat(500) },
      jsonrpc: "2.0",
      id: 2,
    });
    t.input.write(`${huge}\n`);
    t.input.write(`${JSON.stringify({ jsonrpc: "2.0", id: 3, method: "ping" })}\n`);
    await tick();
    expect(t.messages.map((m) => (m as { id: number }).id)).toEqual([1, 3]);
    expect(t.refused).toEqual([[huge.length, 2]]);
    expect(t.written.map((l) => JSON.parse(l))).toEqual([
      { jsonrpc: "2.0", id: 2, error: { code: -32600, message: `too long: ${huge.length}` } },
    ]);
    expect(t.closed()).toBe(0);
  });

  it("reports a line that is not a JSON-RPC message as an error, answers it as JSON-RPC says, and goes on", async () => {
    const t = setup();
    await t.transport.start();
    t.input.write('not json\n{"jsonrpc":"2.0","id":4,"method":"ping"}\n');
    t.input.write('{"jsonrpc":"2.0","id":5,"method":["ping"]}\n{"jsonrpc":"2.0","method":7}\n');
    await tick();
    expect(t.errors).toHaveLength(3);
    expect(t.messages).toEqual([{ jsonrpc: "2.0", id: 4, method: "ping" }]);
    // A broken notification has no id to answer to: only the other two are answered.
    expect(t.written.map((l) => JSON.parse(l))).toMatchObject([
      { jsonrpc: "2.0", id: null, error: { code: -32700 } },
      { jsonrpc: "2.0", id: 5, error: { code: -32600 } },
    ]);
  });

  it("closes once, saying why, when the input ends", async () => {
    const t = setup();
    await t.transport.start();
    t.input.end();
    await tick();
    expect(t.closed()).toBe(1);
    expect(t.transport.closeReason).toBe("stdin ended");
    await t.transport.close();
    expect(t.closed()).toBe(1);
    await expect(t.transport.send({ jsonrpc: "2.0", id: 1, result: {} })).rejects.toThrow("closed");
  });

  it("closes when the output fails (the reader is gone)", async () => {
    const t = setup();
    await t.transport.start();
    t.output.destroy(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    await tick();
    expect(t.transport.closeReason).toBe("stdout failed: EPIPE");
    expect(t.closed()).toBe(1);
  });
});
