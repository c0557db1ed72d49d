// One boris-http per fuzzing test, scoped to the world's allowed dir, and its long-lived client.
import { killAll } from "@boris-mcp/test-support";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll } from "vitest";
import { connectHttp, type HttpServer, leftovers, removeDir, startHttp } from "../servers.js";
import { buildAllowed, buildOutside, type FuzzWorld, makeFuzzWorld } from "./world.js";

/** The fuzzed servers' --max-file-size. */
export const MAX_FILE_SIZE = 256 * 1024;

export interface FuzzServer {
  readonly server: HttpServer;
  /** The tools the server listed. */
  readonly tools: Set<string>;
  /**
   * The session's client; a new session every 500 calls, because the SDK's HTTP client keeps an
   * abort listener per request it made and warns past 1500 (the server is not involved).
   */
  client(): Promise<Client>;
}

/**
 * A world built before the tests of the calling `describe` and removed after them, with the servers
 * `serve` started on it (their processes killed, then the servers stopped).
 */
export function useFuzzServers(): { world: FuzzWorld; serve(extra?: string[]): Promise<FuzzServer> } {
  const world = makeFuzzWorld();
  const servers: HttpServer[] = [];
  beforeAll(() => {
    buildAllowed(world);
    buildOutside(world);
  });
  afterAll(async () => {
    for (const s of servers) killAll(leftovers(s.mark));
    await Promise.all(servers.map((s) => s.stop()));
    removeDir(world.root);
  });

  async function serve(extra: string[] = []): Promise<FuzzServer> {
    const server = await startHttp([
      "--workdir",
      world.allowed,
      "--allow-dir",
      world.allowed,
      "--max-file-size",
      String(MAX_FILE_SIZE),
      "--log-level",
      "warn",
      ...extra,
    ]);
    servers.push(server);
    let connected = await connectHttp(server.url);
    // Listing the tools lets the client validate every structured result against its schema.
    const tools = new Set((await connected.client.listTools()).tools.map((t) => t.name));
    let calls = 0;
    return {
      server,
      tools,
      async client(): Promise<Client> {
        if (++calls % 500 === 0) {
          await connected.transport.terminateSession();
          await connected.client.close();
          connected = await connectHttp(server.url);
          await connected.client.listTools();
        }
        return connected.client;
      },
    };
  }
  return { world, serve };
}
