// SDK clients through a balancer, and the answers that tell which instance served a call.
import { textOf } from "@boris-mcp/test-support";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";

export interface ClusterSession {
  readonly client: Client;
  readonly transport: StreamableHTTPClientTransport;
  readonly sessionId: string;
  /** The instance the id names: its prefix, up to the dot. */
  readonly owner: string;
  /** `Last-Event-ID` values the client reconnected with (resumed streams). */
  readonly resumes: string[];
  close(): Promise<void>;
}

/** The instance id a session id names. */
export function ownerOf(sessionId: string): string {
  return sessionId.slice(0, sessionId.indexOf("."));
}

/**
 * Opens a session through `url` (an `initialize` without an id: the balancer picks an instance), or,
 * with `sessionId`, goes on with a session opened elsewhere (no initialize).
 */
export async function openSession(url: string, sessionId?: string): Promise<ClusterSession> {
  const resumes: string[] = [];
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    ...(sessionId ? { sessionId } : {}),
    fetch: (input, init) => {
      const lastEventId = new Headers(init?.headers).get("last-event-id");
      if (lastEventId) resumes.push(lastEventId);
      return fetch(input, init);
    },
  });
  const client = new Client({ name: "boris-cluster", version: "1.0.0" });
  // The standalone GET stream of a session whose instance died fails to reconnect: expected here.
  client.onerror = () => {};
  await client.connect(transport);
  const id = transport.sessionId!;
  return {
    client,
    transport,
    sessionId: id,
    owner: ownerOf(id),
    resumes,
    async close() {
      await client.close().catch(() => {});
    },
  };
}

/** Runs a bash command in the session; the text of its result. */
export async function run(session: ClusterSession, command: string): Promise<string> {
  const result = await session.client.callTool({ name: "bash", arguments: { command } }, undefined, {
    timeout: 60_000,
  });
  return textOf(result);
}

/** The stdout of a bash result text (`exit_code: 0\nstdout:\n…`). */
export function stdoutOf(text: string): string {
  const at = text.indexOf("stdout:\n");
  return at < 0 ? "" : text.slice(at + "stdout:\n".length).trimEnd();
}

/** Whether an error is the HTTP 404 of an unknown session (the client must initialize again). */
export function isSessionNotFound(err: unknown): boolean {
  return err instanceof StreamableHTTPError && err.code === 404;
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of the results. */
export async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
