import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@boris-mcp/config";
import { Session, type SessionOptions, SessionRegistry } from "@boris-mcp/session";
import {
  createSessionServer,
  type ProtocolServer,
  type ScopeLogger,
  type ToolConfig,
} from "@boris-mcp/tools";
import type { RequestId } from "@modelcontextprotocol/sdk/types.js";
import { CLOSE_REASONS, type CloseReason } from "./close-reason.js";
import { rpcError } from "./http/http-json.js";
import { type MetricsRecorder, watchSession } from "./metrics/index.js";
import { type Exchange, ResumableCalls, requestIdsOf } from "./streams/resumable-calls.js";
import { serveResumedStream } from "./streams/resumed-stream.js";
import { HttpServerTransport } from "./transport/http-transport.js";
import { header } from "./transport/request-checks.js";

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
  /** Interval of SSE keep-alive comments, ms; 0 = none. */
  readonly keepAliveMs: number;
  /**
   * How long a call whose resumable stream dropped keeps running for its client to reconnect, ms;
   * 0 = no resumable streams (a dropped stream cancels its calls at once).
   */
  readonly resumeWindowMs: number;
  /**
   * How long a POST's answer may take and still go out as one JSON response, ms; 0 or absent =
   * always an SSE stream (boris-http sets it from --json-response-window).
   */
  readonly jsonWindowMs?: number;
  readonly maxSessions: number;
  readonly logger: Logger;
  /** Told about sessions and requests (boris-http's /metrics). */
  readonly metrics?: MetricsRecorder;
}

/** One MCP session: the Boris Session, its protocol server and its transport. */
interface Entry {
  readonly session: Session;
  readonly server: ProtocolServer;
  readonly transport: HttpServerTransport;
  /** Resumable streams and their event store; none with a resume window of 0. */
  readonly calls: ResumableCalls | undefined;
  id: string | undefined;
  /** Requests and streams (POST responses, the GET stream) still open. */
  inflight: number;
  /** The client's standalone GET stream ended and no new one was opened since. */
  lostStream: boolean;
  idleTimer: NodeJS.Timeout | undefined;
}

/** The SSE `retry` hint of resumable streams: a client whose stream dropped reconnects after this, ms. */
export const RESUME_RETRY_MS = 1000;

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
    const calls =
      config.resumeWindowMs > 0
        ? new ResumableCalls({
            windowMs: config.resumeWindowMs,
            cancel: (ids, reason) => cancelRequests(entry.transport, ids, reason),
            onWaiting: (stream) =>
              config.logger.debug(
                { session: entry.id, stream, windowMs: config.resumeWindowMs },
                "stream dropped before its answer: the call keeps running for the client to reconnect",
              ),
            onAnswerStored: (stream) =>
              config.logger.debug(
                { session: entry.id, stream },
                "answer of a dropped stream stored: it waits for the client to reconnect",
              ),
          })
        : undefined;
    const entry: Entry = {
      session,
      server,
      calls,
      transport: new HttpServerTransport({
        sessionIdGenerator: () => newSessionId(config.instanceId),
        keepAliveMs: config.keepAliveMs,
        jsonWindowMs: config.jsonWindowMs ?? 0,
        ...(calls ? { eventStore: calls.store, retryInterval: RESUME_RETRY_MS } : {}),
        onsessioninitialized: (id) => {
          entry.id = id;
          uncount();
          this.entries.set(id, entry);
          this.registry.register(id, session);
          config.metrics?.sessionOpened(id);
          config.logger.info({ session: id, sessions: this.entries.size }, "session opened");
        },
        onsessionclosed: (id) => this.close(id, "delete"),
      }),
      id: undefined,
      inflight: 0,
      lostStream: false,
      idleTimer: undefined,
    };
    server.onerror = (err) => config.logger.debug({ err }, "protocol error");
    server.onclose = () => {
      if (entry.id !== undefined) void this.close(entry.id, "transport");
    };
    this.creating++;
    try {
      await server.connect(entry.transport);
      watchSession(
        entry.transport,
        config.toolConfig,
        config.metrics,
        sessionLogger(config.logger, () => entry.id),
      );
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
    const { calls } = entry;
    const lastEventId = req.method === "GET" ? header(req, "last-event-id") : undefined;
    let exchange: Exchange | undefined;
    if (calls && lastEventId !== undefined) {
      if (!calls.store.knows(lastEventId)) {
        return rpcError(
          res,
          400,
          -32000,
          `Bad Request: Last-Event-ID ${JSON.stringify(lastEventId)} names no stream of this session (unknown, or expired after --resume-window)`,
        );
      }
      exchange = calls.resume(lastEventId);
    } else if (calls && req.method === "POST") {
      exchange = calls.post(body);
    }

    entry.inflight++;
    if (entry.idleTimer) {
      clearTimeout(entry.idleTimer);
      entry.idleTimer = undefined;
    }
    const standaloneStream = req.method === "GET" && exchange?.streamId === undefined;
    if (standaloneStream) entry.lostStream = false;
    // "close" fires when the response is complete or the connection dies: a long tool call and an
    // open GET stream both keep the session busy until then.
    res.once("close", () => {
      const complete = res.writableFinished;
      // A stream that could not be resumed ended before its answer: the client is gone, so cancel
      // what it asked for (the command's process group is killed, not just the response). A
      // resumable one keeps its calls running for --resume-window.
      const cancelNow = exchange && calls ? calls.ended(exchange, complete) : !complete;
      if (cancelNow) cancelRequests(entry.transport, requestIdsOf(body), "client disconnected");
      // An SSE stream that was open and ended: the client may be gone for good.
      if (standaloneStream && res.statusCode === 200) entry.lostStream = true;
      entry.inflight--;
      if (entry.inflight === 0) this.armIdleTimer(entry);
    });
    if (calls && exchange?.streamId !== undefined && lastEventId !== undefined && entry.id !== undefined) {
      const { keepAliveMs } = this.config;
      return serveResumedStream(res, calls.store, lastEventId, {
        sessionId: entry.id,
        retryMs: RESUME_RETRY_MS,
        keepAliveMs,
      });
    }
    const hooks =
      calls && exchange ? { primed: (streamId: string) => calls.primed(exchange, streamId) } : undefined;
    await entry.transport.handleRequest(req, res, body, hooks);
  }

  /** Arms the timer that closes a session with nothing in flight: the orphan or the idle timeout. */
  private armIdleTimer(entry: Entry): void {
    if (entry.id === undefined || !this.entries.has(entry.id)) return;
    const { idleTimeoutMs, orphanTimeoutMs } = this.config;
    const timeouts: [number, CloseReason][] = [[idleTimeoutMs, "idle"]];
    if (entry.lostStream) timeouts.push([orphanTimeoutMs, "orphan"]);
    const armed = timeouts.filter(([ms]) => ms > 0).sort((a, b) => a[0] - b[0])[0];
    if (!armed) return;
    const [ms, reason] = armed;
    const id = entry.id;
    entry.idleTimer = setTimeout(() => void this.close(id, reason), ms);
    entry.idleTimer.unref();
  }

  /** Closes one session: its processes first, then its streams. Unknown ids are a no-op. */
  async close(id: string, reason: CloseReason): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return this.registry.closeAndRemove(id);
    this.entries.delete(id);
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.calls?.close();
    this.config.metrics?.sessionClosed(id, reason);
    this.config.logger.info(
      { session: id, reason: CLOSE_REASONS[reason], sessions: this.entries.size },
      "session closing",
    );
    try {
      await this.registry.closeAndRemove(id);
    } catch (err) {
      this.config.logger.error({ err, session: id }, "closing the session failed");
    }
    await entry.server.close().catch(() => {});
  }

  /** Closes every session in parallel (shutdown). */
  async closeAll(reason: CloseReason): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.close(id, reason)));
    await this.registry.closeAll();
  }
}

/** Hands the session's protocol server a `notifications/cancelled` for each of `requestIds`. */
function cancelRequests(
  transport: HttpServerTransport,
  requestIds: readonly RequestId[],
  reason: string,
): void {
  for (const requestId of requestIds) {
    transport.onmessage?.({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId, reason },
    });
  }
}
