import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ListRootsRequestSchema, ResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { RpcError, RpcErrorCode } from "./jsonrpc.js";
import { ProtocolServer } from "./protocol-server.js";
import type { RequestExtra } from "./rpc-endpoint.js";

/** A ProtocolServer with one request handler, connected to an SDK client offering roots. */
async function connected(handler: (extra: RequestExtra) => unknown) {
  const server = new ProtocolServer({ name: "t", version: "0" });
  server.setRequestHandler("test/run", (_request, extra) => handler(extra));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "c", version: "0" }, { capabilities: { roots: {} } });
  const seen: string[] = [];
  const send = serverSide.send.bind(serverSide);
  serverSide.send = (message, options) => {
    if ("method" in message) seen.push(message.method);
    return send(message, options);
  };
  await server.connect(serverSide);
  await client.connect(clientSide);
  return { server, client, seen };
}

describe("RpcEndpoint", () => {
  it("gives up on a request to the client after its timeout, telling the client", async () => {
    let answer = () => {};
    const { client, seen } = await connected((extra) =>
      extra.sendRequest({ method: "roots/list" }, { timeout: 20 }).catch((e: RpcError) => ({ code: e.code })),
    );
    client.setRequestHandler(
      ListRootsRequestSchema,
      () => new Promise((r) => (answer = () => r({ roots: [] }))),
    );
    const result = await client.request({ method: "test/run" } as never, ResultSchema);
    expect(result).toEqual({ code: RpcErrorCode.RequestTimeout });
    expect(seen).toEqual(["roots/list", "notifications/cancelled"]);
    answer();
    await client.close();
  });

  it("aborts a running handler and fails its requests to the client when the transport closes", async () => {
    let extra: RequestExtra | undefined;
    let asked: Promise<unknown> | undefined;
    const { client, server } = await connected((e) => {
      extra = e;
      asked = e.sendRequest({ method: "roots/list" }).catch((err: RpcError) => err);
      return new Promise(() => {});
    });
    client.setRequestHandler(ListRootsRequestSchema, () => new Promise(() => {}));
    let closed = 0;
    server.onclose = () => closed++;
    client.request({ method: "test/run" } as never, {} as never).catch(() => {});
    await expect.poll(() => extra).toBeDefined();
    await server.close();
    expect(extra!.signal.aborted).toBe(true);
    expect(await asked).toMatchObject({ code: RpcErrorCode.ConnectionClosed });
    expect(closed).toBe(1);
  });

  it("answers a handler's RpcError with its code, and any other error with -32603", async () => {
    let fail: () => never = () => {
      throw new RpcError(RpcErrorCode.InvalidParams, "bad value");
    };
    const { client } = await connected(() => fail());
    await expect(client.request({ method: "test/run" } as never, {} as never)).rejects.toMatchObject({
      code: RpcErrorCode.InvalidParams,
    });
    fail = () => {
      throw new Error("boom");
    };
    await expect(client.request({ method: "test/run" } as never, {} as never)).rejects.toMatchObject({
      code: RpcErrorCode.InternalError,
      message: expect.stringContaining("boom"),
    });
    await client.close();
  });
});
