import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@boris-mcp/config";
import { Session, type SessionOptions, SessionRegistry } from "@boris-mcp/session";
import { createSessionServer, type ScopeLogger, type ToolConfig } from "@boris-mcp/tools";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isJSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";

/** Built once at start-up and shared, read-only, by every session. */
export interface SharedConfig {
  readonly version: string;
  readonly instructions: string;
  readonly toolConfig: ToolConfig;
  readonly sessionOptions: SessionOptions;
  /** Names this server: the prefix of its session ids. */
  readonly instanceId: string;
  /** Close a session after this long without a request in flight or an open stream; 0 = never. */
  readonly idleTimeoutMs: number;
  /**
   * Close a session whose client had a standalone GET stream and lost it after this long without
   * a request in flight; 0 = never (the idle timeout still applies).
   */
  readonly orphanTimeoutMs: number;
  readonly maxSessions: number;
  readonly logger: Logger;
}

/** One MCP session: the Boris Session, its protocol server and its transport. */
interface Entry {
  readonly session: Session;
  readonly server: Server;
  readonly transport: StreamableHTTPServerTransport;
  id: string | undefined;
  /** Requests and streams (POST responses, the GET stream) still open. */
  inflight: number;
  /** The client's standalone GET stream ended and no new one was opened since. */
  lostStream: boolean;
  idleTimer: NodeJS.Timeout | undefined;
}

/** Logs a session's lines with its id, read when a line is written (it is assigned later). */
function sessionLogger(logger: Logger, id: () => string | undefined): ScopeLogger {
  return {
    info: (fields, message) => logger.info({ session: id(), ...fields }, message),
    warn: (fields, message) => logger.warn({ session: id(), ...fields }, message),
  };
}

/** `<instance>.<32 hex digits>`: names the instance, and cannot be guessed (128 random bits). */
export function newSessionId(instanceId: string): string {
  return `${instanceId}.${randomBytes(16).toString("hex")}`;
}

/**
 * The MCP sessions of one HTTP server. A session is created only by an `initialize` without an id,
 * registered the moment the transport assigns its id, and closed on DELETE, on idleness (sooner
 * when its client lost its GET stream: the orphan timeout) and on shutdown — each time through
 * the SessionRegistry, which kills everything the session started. An id of another instance is
 * simply unknown here.
 */
export class McpSessions {
  readonly registry = new SessionRegistry();
  private readonly entries = new Map<string, Entry>();
  private creating = 0;

  constructor(private readonly config: SharedConfig) {}

  /** Open sessions (initialising ones included), for the cap and /health. */
  get size(): number {
    return this.entries.size + this.creating;
  }

  get openCount(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get atCapacity(): boolean {
    return this.size >= this.config.maxSessions;
  }

  /** Hands a request to the session `id`; false when there is no such session (the caller answers 404). */
  async dispatch(id: string, req: IncomingMessage, res: ServerResponse, body?: unknown): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry) return false;
    await this.serve(entry, req, res, body);
    return true;
  }

  /** Creates a session for an `initialize` request and lets its transport answer it. */
  async initialize(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const { config } = this;
    const session = new Session(config.sessionOptions);
    const server = createSessionServer(
      { name: "boris-http", version: config.version, instructions: config.instructions },
      session,
      config.toolConfig,
      // The client's roots are asked for at its first tool call: the session id is known by then.
      { logger: sessionLogger(config.logger, () => entry.id) },
    );
    let counted = true;
    const uncount = () => {
      if (counted) this.creating--;
      counted = false;
    };
    const entry: Entry = {
      session,
      server,
      transport: new StreamableHTTPServerTransport({
        sessionIdGenerator: () => newSessionId(config.instanceId),
        onsessioninitialized: (id) => {
          entry.id = id;
          uncount();
          this.entries.set(id, entry);
          this.registry.register(id, session);
          config.logger.info({ session: id, sessions: this.entries.size }, "session opened");
        },
        onsessionclosed: (id) => this.close(id, "client sent DELETE"),
      }),
      id: undefined,
      inflight: 0,
      lostStream: false,
      idleTimer: undefined,
    };
    server.onerror = (err) => config.logger.debug({ err }, "protocol error");
    server.onclose = () => {
      if (entry.id !== undefined) void this.close(entry.id, "transport closed");
    };
    this.creating++;
    try {
      await server.connect(entry.transport);
      await this.serve(entry, req, res, body);
    } finally {
      uncount();
      if (entry.id === undefined) {
        // The initialize was refused (bad headers …): nothing was registered, drop it all.
        void session.close();
        void server.close().catch(() => {});
      }
    }
  }

  private async serve(entry: Entry, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    entry.inflight++;
    if (entry.idleTimer) {
      clearTimeout(entry.idleTimer);
      entry.idleTimer = undefined;
    }
    const standaloneStream = req.method === "GET";
    if (standaloneStream) entry.lostStream = false;
    // "close" fires when the response is complete or the connection dies: a long tool call and an
    // open GET stream both keep the session busy until then.
    res.once("close", () => {
      // The client went away before its answer was complete: cancel what it asked for, so a
      // command it was waiting on is killed (its process group, not just the response).
      if (!res.writableFinished) cancelRequests(entry, body);
      // An SSE stream that was open and ended: the client may be gone for good.
      if (standaloneStream && res.statusCode === 200) entry.lostStream = true;
      entry.inflight--;
      if (entry.inflight === 0) this.armIdleTimer(entry);
    });
    await entry.transport.handleRequest(req, res, body);
  }

  /** Arms the timer that closes a session with nothing in flight: the orphan or the idle timeout. */
  private armIdleTimer(entry: Entry): void {
    if (entry.id === undefined || !this.entries.has(entry.id)) return;
    const { idleTimeoutMs, orphanTimeoutMs } = this.config;
    const timeouts: [number, string][] = [[idleTimeoutMs, "idle timeout"]];
    if (entry.lostStream) timeouts.push([orphanTimeoutMs, "orphan timeout (the client's GET stream ended)"]);
    const armed = timeouts.filter(([ms]) => ms > 0).sort((a, b) => a[0] - b[0])[0];
    if (!armed) return;
    const [ms, reason] = armed;
    const id = entry.id;
    entry.idleTimer = setTimeout(() => void this.close(id, reason), ms);
    entry.idleTimer.unref();
  }

  /** Closes one session: its processes first, then its streams. Unknown ids are a no-op. */
  async close(id: string, reason: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return this.registry.closeAndRemove(id);
    this.entries.delete(id);
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    this.config.logger.info({ session: id, reason, sessions: this.entries.size }, "session closing");
    try {
      await this.registry.closeAndRemove(id);
    } catch (err) {
      this.config.logger.error({ err, session: id }, "closing the session failed");
    }
    await entry.server.close().catch(() => {});
  }

  /** Closes every session in parallel (shutdown). */
  async closeAll(reason: string): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.close(id, reason)));
    await this.registry.closeAll();
  }
}

/** Hands the session's protocol server a `notifications/cancelled` for each request in `body`. */
function cancelRequests(entry: Entry, body: unknown): void {
  for (const message of Array.isArray(body) ? body : [body]) {
    if (!isJSONRPCRequest(message)) continue;
    entry.transport.onmessage?.({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: message.id, reason: "client disconnected" },
    });
  }
}
