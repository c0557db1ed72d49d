import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  isInitializeRequest,
  isMessage as isJSONRPCMessage,
  isRequest as isJSONRPCRequest,
} from "@boris-mcp/tools";
import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type {
  InitializeRequest,
  JSONRPCMessage,
  MessageExtraInfo,
  RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import { rpcError } from "../http/http-json.js";
import { OpenStreams } from "./open-streams.js";
import { DEFAULT_NEGOTIATED_PROTOCOL_VERSION, PRIMING_PROTOCOL_VERSION } from "./protocol-versions.js";
import {
  authInfoOf,
  checkGetHeaders,
  checkPostHeaders,
  checkProtocolVersion,
  checkSession,
  header,
  MAX_BATCH_SIZE,
  type Refusal,
  requestInfoOf,
} from "./request-checks.js";
import { RequestStreams } from "./request-streams.js";
import { isWritable, messageEvent, sseHeaders } from "./sse.js";
import type { RequestHooks, TransportEventStore } from "./transport-types.js";

export type { RequestHooks, TransportEventStore } from "./transport-types.js";

/** The stream id of the standalone GET stream (server-initiated messages), in the event store too. */
export const STANDALONE_STREAM = "_GET_stream";

export interface HttpServerTransportOptions {
  /** Names the session at its `initialize`. */
  readonly sessionIdGenerator: () => string;
  /** The session got its id (its `initialize` is being answered). */
  readonly onsessioninitialized?: (sessionId: string) => void | Promise<void>;
  /** The client ended the session with DELETE. */
  readonly onsessionclosed?: (sessionId: string) => void | Promise<void>;
  /** Keeps the events of resumable streams (streams of protocol 2025-11-25 on get a priming event). */
  readonly eventStore?: TransportEventStore;
  /** The SSE `retry` hint of priming events, ms. */
  readonly retryInterval?: number;
  /** Interval of keep-alive comments on every open SSE stream, ms; 0 = none. */
  readonly keepAliveMs: number;
  /**
   * How long a POST's answer may take and still go out as one `application/json` response, ms;
   * 0 (the default) answers every POST with requests with an SSE stream at once.
   */
  readonly jsonWindowMs?: number;
}

type Extra = MessageExtraInfo;

/**
 * The MCP streamable HTTP transport of one session, working on node:http's request and response:
 * no Web `Request`/`Response` translation, no schema library (the `Transport` of the MCP SDK, which
 * the protocol server is connected to). A POST with requests is answered with one JSON response or
 * an SSE stream (`RequestStreams`), one with only notifications and responses with 202; GET opens
 * the standalone stream or replays it from `Last-Event-ID`; DELETE ends the session. The request
 * body is read and parsed by the caller.
 */
export class HttpServerTransport implements Transport {
  sessionId: string | undefined;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: Extra) => void;

  private started = false;
  private initialized = false;
  private closed = false;
  private readonly streams: OpenStreams;
  private readonly requests: RequestStreams;

  constructor(private readonly options: HttpServerTransportOptions) {
    this.streams = new OpenStreams(options.keepAliveMs);
    this.requests = new RequestStreams(
      this.streams,
      {
        sessionId: () => this.sessionId,
        closed: () => this.closed,
        error: (error) => this.onerror?.(error),
      },
      {
        eventStore: options.eventStore,
        retryInterval: options.retryInterval,
        jsonWindowMs: options.jsonWindowMs ?? 0,
      },
    );
  }

  async start(): Promise<void> {
    if (this.started) throw new Error("Transport already started");
    this.started = true;
  }

  /** Serves one HTTP request of this session; `parsedBody` is the POST body, already parsed. */
  async handleRequest(
    req: IncomingMessage,
    res: ServerResponse,
    parsedBody?: unknown,
    hooks?: RequestHooks,
  ): Promise<void> {
    if (this.closed) return this.refuse(res, { status: 404, code: -32001, message: "Session not found" });
    switch (req.method) {
      case "POST":
        return this.handlePost(req, res, parsedBody, hooks);
      case "GET":
        return this.handleGet(req, res);
      case "DELETE":
        return this.handleDelete(req, res);
      default:
        return this.refuse(
          res,
          { status: 405, code: -32000, message: "Method not allowed." },
          {
            Allow: "GET, POST, DELETE",
          },
        );
    }
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    // The protocol layer sends well-formed messages: a member test tells a response apart.
    const isResponse = "result" in message || "error" in message;
    const requestId = isResponse ? (message as { id?: RequestId }).id : options?.relatedRequestId;
    const store = this.options.eventStore;
    if (requestId === undefined) {
      if (isResponse) {
        throw new Error(
          "Cannot send a response on a standalone SSE stream unless resuming a previous client request",
        );
      }
      // Stored even with no stream open, for a replay when the client reconnects.
      const json = JSON.stringify(message);
      const eventId = store ? await store.storeEvent(STANDALONE_STREAM, message, json) : undefined;
      const stream = this.streams.get(STANDALONE_STREAM);
      if (stream && isWritable(stream.res) && (eventId === undefined || !stream.replayed?.has(eventId))) {
        stream.res.write(messageEvent(json, eventId));
      }
      return;
    }

    return this.requests.send(message, requestId, isResponse);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.requests.closeAll();
    this.streams.closeAll();
    this.onclose?.();
  }

  /** Ends the SSE stream carrying `requestId` (the client resumes it with `Last-Event-ID`). */
  closeSSEStream(requestId: RequestId): void {
    this.requests.closeStream(requestId);
  }

  closeStandaloneSSEStream(): void {
    this.streams.get(STANDALONE_STREAM)?.close();
  }

  private async handlePost(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    hooks: RequestHooks | undefined,
  ): Promise<void> {
    const headersRefused = checkPostHeaders(req);
    if (headersRefused) return this.refuse(res, headersRefused);
    if (Array.isArray(body) && body.length > MAX_BATCH_SIZE) {
      const message = `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages`;
      return this.refuse(res, { status: 400, code: -32600, message });
    }
    const messages: unknown[] = Array.isArray(body) ? body : [body];
    if (!messages.every(isJSONRPCMessage)) {
      return this.refuse(res, {
        status: 400,
        code: -32700,
        message: "Parse error: Invalid JSON-RPC message",
      });
    }
    const initialize = messages.find((m) => isInitializeRequest(m)) as InitializeRequest | undefined;
    if (initialize) {
      if (this.initialized) {
        return this.refuse(res, {
          status: 400,
          code: -32600,
          message: "Invalid Request: Server already initialized",
        });
      }
      if (messages.length > 1) {
        const message = "Invalid Request: Only one initialization request is allowed";
        return this.refuse(res, { status: 400, code: -32600, message });
      }
      this.sessionId = this.options.sessionIdGenerator();
      this.initialized = true;
      await this.options.onsessioninitialized?.(this.sessionId);
    } else {
      const refused = checkSession(req, this.sessionId, this.initialized) ?? checkProtocolVersion(req);
      if (refused) return this.refuse(res, refused);
    }
    // close() may have run while the session was being registered.
    if (this.closed) return this.refuse(res, { status: 404, code: -32001, message: "Session not found" });

    const extra: Extra = { authInfo: authInfoOf(req), requestInfo: requestInfoOf(req) };
    const requestIds = messages.filter(isJSONRPCRequest).map((m) => m.id);
    if (requestIds.length === 0) {
      for (const message of messages) this.onmessage?.(message, extra);
      res.writeHead(202).end();
      return;
    }

    const version = initialize
      ? initialize.params.protocolVersion
      : (header(req, "mcp-protocol-version") ?? DEFAULT_NEGOTIATED_PROTOCOL_VERSION);
    // Clients before 2025-11-25 cannot read the priming event's empty data: their streams do not resume.
    const resumable = this.options.eventStore !== undefined && version >= PRIMING_PROTOCOL_VERSION;
    const post = { streamId: randomUUID(), res, batch: Array.isArray(body), resumable, hooks };
    if (!(await this.requests.start(post, requestIds))) return;
    for (const message of messages) {
      const closers: Extra =
        resumable && isJSONRPCRequest(message)
          ? {
              closeSSEStream: () => this.closeSSEStream(message.id),
              closeStandaloneSSEStream: () => this.closeStandaloneSSEStream(),
            }
          : {};
      this.onmessage?.(message, { ...extra, ...closers });
    }
  }

  private async handleGet(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refused =
      checkGetHeaders(req) ??
      checkSession(req, this.sessionId, this.initialized) ??
      checkProtocolVersion(req);
    if (refused) return this.refuse(res, refused);
    const lastEventId = header(req, "last-event-id");
    if (this.options.eventStore && lastEventId) return this.replay(res, this.options.eventStore, lastEventId);
    if (this.streams.get(STANDALONE_STREAM)) {
      const message = "Conflict: Only one SSE stream is allowed per session";
      return this.refuse(res, { status: 409, code: -32000, message });
    }
    res.writeHead(200, sseHeaders(this.sessionId));
    res.flushHeaders();
    this.streams.open(STANDALONE_STREAM, res);
  }

  /** A reconnect: what the stream of `lastEventId` got since, then what follows on it. */
  private async replay(res: ServerResponse, store: TransportEventStore, lastEventId: string): Promise<void> {
    const replayed = new Set<string>();
    let events = "";
    let streamId: string;
    try {
      streamId = await store.replayEventsAfter(lastEventId, {
        send: async (eventId, message) => {
          events += messageEvent(JSON.stringify(message), eventId);
          replayed.add(eventId);
        },
      });
    } catch (err) {
      this.onerror?.(err as Error);
      return this.refuse(res, { status: 500, code: -32000, message: "Error replaying events" });
    }
    if (this.closed || !isWritable(res)) {
      return this.refuse(res, { status: 404, code: -32001, message: "Session not found" });
    }
    this.streams.get(streamId)?.close(); // a reconnect replaces the stream's previous connection
    res.writeHead(200, sseHeaders(this.sessionId));
    if (events !== "") res.write(events);
    else res.flushHeaders();
    this.streams.open(streamId, res, replayed);
    this.streams.markResumable(streamId); // the resume itself proves the client holds a cursor
  }

  private async handleDelete(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refused = checkSession(req, this.sessionId, this.initialized) ?? checkProtocolVersion(req);
    if (refused) return this.refuse(res, refused);
    try {
      await this.options.onsessionclosed?.(this.sessionId!);
      res.writeHead(200).end();
    } finally {
      await this.close();
    }
  }

  private refuse(res: ServerResponse, refusal: Refusal, headers?: Record<string, string>): void {
    this.onerror?.(new Error(refusal.message));
    rpcError(res, refusal.status, refusal.code, refusal.message, headers);
  }
}
