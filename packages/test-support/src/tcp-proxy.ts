// A TCP proxy on loopback that a test controls: it forwards every connection to a target and can
// cut them all at once, refuse new ones for a while, cut a connection that stays silent, or take the
// target's bytes without passing them on, as a flaky network or a proxy with an idle timeout does.
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { Transform } from "node:stream";

export interface TcpProxyOptions {
  /** Cut a connection after this long without a byte in either direction, ms (a proxy's read timeout). */
  readonly idleTimeoutMs?: number;
}

export interface TcpProxy {
  /** `127.0.0.1:PORT` of the proxy. */
  readonly address: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections cut by `cut()` or by the idle timeout so far. */
  readonly cutCount: number;
  /** Resets every open connection, both sides, at once. */
  cut(): void;
  /** While down, new connections are reset as soon as they arrive. */
  setDown(down: boolean): void;
  /**
   * While on, what the target sends is read (so the target sees it delivered) and dropped: a proxy
   * that took an answer and died before passing it on.
   */
  setSwallowing(swallowing: boolean): void;
  /** What was dropped while swallowing, as latin1 text. */
  readonly swallowed: string;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port that forwards to `targetHost:targetPort`. */
export async function startTcpProxy(
  targetHost: string,
  targetPort: number,
  options: TcpProxyOptions = {},
): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let down = false;
  let swallowing = false;
  let swallowed = "";
  let accepted = 0;
  let cutCount = 0;

  const cutPair = (pair: [Socket, Socket]) => {
    if (!pairs.delete(pair)) return;
    cutCount++;
    for (const socket of pair) socket.resetAndDestroy();
  };

  const server: Server = createServer((client) => {
    accepted++;
    client.on("error", () => {}); // resets are what this proxy is for
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = tcpConnect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) {
      socket.on("error", end);
      socket.on("close", end);
    }
    if (options.idleTimeoutMs !== undefined) {
      // setTimeout on a socket counts inactivity in both directions of that socket.
      client.setTimeout(options.idleTimeoutMs, () => cutPair(pair));
    }
    const toClient = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (!swallowing) return done(null, chunk);
        swallowed += chunk.toString("latin1");
        done();
      },
    });
    client.pipe(upstream);
    upstream.pipe(toClient).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as { port: number };

  return {
    address: `127.0.0.1:${port}`,
    port,
    get accepted() {
      return accepted;
    },
    get cutCount() {
      return cutCount;
    },
    cut() {
      for (const pair of [...pairs]) cutPair(pair);
    },
    setDown(value: boolean) {
      down = value;
    },
    setSwallowing(value: boolean) {
      swallowing = value;
    },
    get swallowed() {
      return swallowed;
    },
    async close() {
      for (const pair of [...pairs]) cutPair(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
