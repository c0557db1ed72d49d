import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";
import { waitUntil } from "./wait.js";

/** An echo server on loopback. */
let echo: Server;
let proxy: TcpProxy | undefined;

beforeEach(async () => {
  echo = createServer((socket) => {
    socket.on("error", () => {}); // the proxy resets it
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  echo.close();
});

const echoPort = () => (echo.address() as { port: number }).port;

/** Connects to the proxy; resolves with the socket once connected (a reset later closes it). */
function dial(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.on("error", () => {});
  });
}

/** Connects to the proxy; resolves once the connection is closed, however (connected or not). */
function dialUntilClosed(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {});
    socket.once("close", () => resolve());
  });
}

function roundTrip(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once("data", (data) => resolve(String(data)));
    socket.write(text);
  });
}

/** Resolves when the socket is closed. */
function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once("close", () => resolve());
  });
}

describe("startTcpProxy", () => {
  it("forwards bytes both ways and cuts every open connection on cut()", async () => {
    proxy = await startTcpProxy("127.0.0.1", echoPort());
    const socket = await dial(proxy.port);
    expect(await roundTrip(socket, "hello")).toBe("hello");
    proxy.cut();
    await closed(socket);
    expect(proxy.cutCount).toBe(1);
    // New connections still work.
    const next = await dial(proxy.port);
    expect(await roundTrip(next, "again")).toBe("again");
    next.destroy();
  });

  it("resets new connections while down", async () => {
    proxy = await startTcpProxy("127.0.0.1", echoPort());
    proxy.setDown(true);
    await dialUntilClosed(proxy.port);
    proxy.setDown(false);
    const next = await dial(proxy.port);
    expect(await roundTrip(next, "up")).toBe("up");
    next.destroy();
    expect(proxy.accepted).toBe(2);
  });

  it("cuts a connection that stays silent past the idle timeout", async () => {
    proxy = await startTcpProxy("127.0.0.1", echoPort(), { idleTimeoutMs: 100 });
    const socket = await dial(proxy.port);
    await closed(socket);
    expect(proxy.cutCount).toBe(1);
  });

  it("drops what the target sends while swallowing, and passes it on again after", async () => {
    proxy = await startTcpProxy("127.0.0.1", echoPort());
    const socket = await dial(proxy.port);
    const heard: string[] = [];
    socket.on("data", (data) => heard.push(String(data)));
    proxy.setSwallowing(true);
    socket.write("lost");
    await waitUntil("the echo to be swallowed", () => proxy!.swallowed === "lost");
    proxy.setSwallowing(false);
    expect(await roundTrip(socket, "kept")).toBe("kept");
    expect(heard).toEqual(["kept"]);
    socket.destroy();
  });
});
