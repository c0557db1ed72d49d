// One boris-http per malformed-HTTP test file, a raw session on it, and raw TCP exchanges.
import { createConnection } from "node:net";
import { afterAll, beforeAll, expect } from "vitest";
import { rawCall, rawSession, rpc } from "./raw-http.js";
import { call } from "./results.js";
import { connectHttp, type HttpServer, makeTempDir, removeDir, startHttp } from "./servers.js";

/** --max-file-size for this server; request bodies are refused past 2 × this + 1 MB (SPEC §7). */
export const MAX_FILE_SIZE = 64 * 1024;
export const BODY_LIMIT = 2 * MAX_FILE_SIZE + 1024 * 1024;

/** Sends raw bytes on a fresh TCP connection; resolves with whatever the server answered before closing. */
export function rawExchange(
  port: number,
  chunks: (string | Buffer)[],
  { endAfter = true } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let answer = "";
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => {
      answer += d;
    });
    socket.on("error", () => {});
    socket.on("close", () => resolve(answer));
    socket.on("connect", () => {
      for (const c of chunks) socket.write(c);
      if (endAfter) socket.end();
    });
    setTimeout(() => socket.destroy(), 5000).unref();
  });
}

export const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);

export interface MalformedTarget {
  /** The server's workdir. */
  readonly dir: string;
  server(): HttpServer;
  /** The id of a session opened by a raw initialize, shared by the tests of a file. */
  session(): string;
  /** A POST of `body` with exactly `headers`; the status and the body text. */
  post(headers: Record<string, string>, body: string | Uint8Array): Promise<{ status: number; body: string }>;
  /** The server still answers /health, an existing session and a new SDK session. */
  stillServing(): Promise<void>;
}

/** A server with `--max-file-size MAX_FILE_SIZE` and a raw session, for the tests of the calling `describe`. */
export function useMalformedTarget(): MalformedTarget {
  const dir = makeTempDir("malformed");
  let server: HttpServer;
  let session: string;

  beforeAll(async () => {
    server = await startHttp([
      "--workdir",
      dir,
      "--max-file-size",
      String(MAX_FILE_SIZE),
      "--log-level",
      "warn",
    ]);
    session = await rawSession(server.url);
  });
  afterAll(async () => {
    await server.stop();
    removeDir(dir);
  });

  async function stillServing(): Promise<void> {
    expect(server.alive()).toBe(true);
    expect((await server.health()).status).toBe("ok");
    const ping = await rawCall(server.url, session, rpc("ping"));
    expect(ping).toMatchObject({ status: 200, response: { result: {} } });
    const fresh = await connectHttp(server.url);
    expect(await call(fresh.client, "bash", { command: "echo fine" })).toContain("fine");
    await fresh.transport.terminateSession();
    await fresh.client.close();
  }

  const post = (headers: Record<string, string>, body: string | Uint8Array) =>
    fetch(server.url, { method: "POST", headers, body }).then(async (res) => ({
      status: res.status,
      body: await res.text(),
    }));

  return { dir, server: () => server, session: () => session, post, stillServing };
}
