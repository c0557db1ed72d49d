import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { MessageExtraInfo } from "@modelcontextprotocol/sdk/types.js";
import {
  errorResponse,
  isErrorResponse,
  isNotification,
  isRequest,
  isResultResponse,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
  type RequestId,
  RpcError,
  RpcErrorCode,
} from "./jsonrpc.js";

/** How long a request to the client may take by default, ms (the SDK's default). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** A request or notification without its JSON-RPC envelope. */
export interface OutgoingMessage {
  readonly method: string;
  readonly params?: Record<string, unknown>;
}

export interface SendRequestOptions {
  /** Give up (and tell the client with `notifications/cancelled`) after this long, ms. */
  readonly timeout?: number;
}

/** What a request handler gets besides the request: the same fields as the SDK's handler extra. */
export interface RequestExtra extends MessageExtraInfo {
  /** Aborted when the client cancels the request or the transport closes. */
  readonly signal: AbortSignal;
  readonly requestId: RequestId;
  /** The transport's session id (HTTP); undefined over stdio. */
  readonly sessionId: string | undefined;
  readonly _meta: Record<string, unknown> | undefined;
  /** Sends a notification related to this request (HTTP routes it to the request's stream). */
  sendNotification(notification: OutgoingMessage): Promise<void>;
  /** Asks the client something on behalf of this request; resolves with the answer's `result`. */
  sendRequest(request: OutgoingMessage, options?: SendRequestOptions): Promise<Record<string, unknown>>;
}

export type RequestHandler = (request: JSONRPCRequest, extra: RequestExtra) => unknown;
export type NotificationHandler = (notification: JSONRPCNotification) => void;

interface PendingRequest {
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * One side of a JSON-RPC conversation over an MCP `Transport` (the SDK's interface: stdio, HTTP):
 * dispatches requests to handlers by method and answers them, cancels a handler's signal on
 * `notifications/cancelled` or when the transport closes, and sends requests of its own with a
 * timeout. Knows nothing of MCP's methods beyond cancellation (ProtocolServer adds them).
 */
export class RpcEndpoint {
  onclose?: () => void;
  onerror?: (error: Error) => void;

  private transport: Transport | undefined;
  private readonly requestHandlers = new Map<string, RequestHandler>();
  private readonly notificationHandlers = new Map<string, NotificationHandler>();
  private readonly running = new Map<RequestId, AbortController>();
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 0;

  constructor() {
    this.setNotificationHandler("notifications/cancelled", (n) => {
      const id = n.params?.requestId;
      if (id !== undefined) this.running.get(id as RequestId)?.abort(n.params?.reason);
    });
  }

  setRequestHandler(method: string, handler: RequestHandler): void {
    this.requestHandlers.set(method, handler);
  }

  setNotificationHandler(method: string, handler: NotificationHandler): void {
    this.notificationHandlers.set(method, handler);
  }

  /**
   * Takes over `transport` (keeping callbacks already set on it, which run first) and starts it.
   * One transport per endpoint, as with the SDK's Protocol.
   */
  async connect(transport: Transport): Promise<void> {
    if (this.transport) throw new Error("already connected to a transport; use one server per connection");
    this.transport = transport;
    const { onclose, onerror, onmessage } = transport;
    transport.onclose = () => {
      onclose?.();
      this.closed();
    };
    transport.onerror = (error) => {
      onerror?.(error);
      this.onerror?.(error);
    };
    transport.onmessage = (message, extra) => {
      onmessage?.(message, extra);
      this.received(message, extra);
    };
    await transport.start();
  }

  async close(): Promise<void> {
    await this.transport?.close();
  }

  /** Sends a notification not tied to a request. */
  async notification(notification: OutgoingMessage): Promise<void> {
    if (!this.transport) throw new Error("Not connected");
    await this.transport.send({ jsonrpc: "2.0", ...notification });
  }

  private received(message: JSONRPCMessage, extra: MessageExtraInfo | undefined): void {
    if (isRequest(message)) this.handleRequest(message, extra);
    else if (isNotification(message)) this.handleNotification(message);
    else if (isResultResponse(message) || isErrorResponse(message)) this.handleResponse(message);
    else this.onerror?.(new Error(`Unknown message type: ${JSON.stringify(message)}`));
  }

  private handleNotification(notification: JSONRPCNotification): void {
    const handler = this.notificationHandlers.get(notification.method);
    if (!handler) return;
    try {
      handler(notification);
    } catch (err) {
      this.onerror?.(new Error(`Uncaught error in notification handler: ${err}`));
    }
  }

  private handleRequest(request: JSONRPCRequest, transportExtra: MessageExtraInfo | undefined): void {
    const transport = this.transport;
    const handler = this.requestHandlers.get(request.method);
    if (!handler) {
      this.reply(transport, errorResponse(request.id, RpcErrorCode.MethodNotFound, "Method not found"));
      return;
    }
    const controller = new AbortController();
    this.running.set(request.id, controller);
    const { signal } = controller;
    const extra: RequestExtra = {
      ...transportExtra,
      signal,
      requestId: request.id,
      sessionId: transport?.sessionId,
      _meta: request.params?._meta as Record<string, unknown> | undefined,
      sendNotification: async (notification) => {
        if (signal.aborted || !transport) return;
        await transport.send({ jsonrpc: "2.0", ...notification }, { relatedRequestId: request.id });
      },
      sendRequest: (outgoing, options) => {
        if (signal.aborted)
          return Promise.reject(new RpcError(RpcErrorCode.ConnectionClosed, "Request was cancelled"));
        return this.request(outgoing, request.id, options);
      },
    };
    Promise.resolve()
      .then(() => handler(request, extra))
      .then(
        (result) => {
          if (signal.aborted) return;
          return this.send(transport, {
            jsonrpc: "2.0",
            id: request.id,
            result: (result ?? {}) as Record<string, unknown>,
          });
        },
        (err: unknown) => {
          if (signal.aborted) return;
          const e = err as { code?: unknown; message?: unknown; data?: unknown } | undefined;
          const code = Number.isSafeInteger(e?.code) ? (e?.code as number) : RpcErrorCode.InternalError;
          const message = typeof e?.message === "string" ? e.message : "Internal error";
          return this.send(transport, errorResponse(request.id, code, message, e?.data));
        },
      )
      .catch((err) => this.onerror?.(new Error(`Failed to send response: ${err}`)))
      .finally(() => {
        if (this.running.get(request.id) === controller) this.running.delete(request.id);
      });
  }

  private request(
    outgoing: OutgoingMessage,
    relatedRequestId: RequestId,
    options: SendRequestOptions | undefined,
  ): Promise<Record<string, unknown>> {
    const transport = this.transport;
    if (!transport) return Promise.reject(new Error("Not connected"));
    const id = this.nextId++;
    const timeout = options?.timeout ?? DEFAULT_REQUEST_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pending.delete(id)) return;
        const reason = `Request timed out after ${timeout} ms`;
        this.send(
          transport,
          { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: id, reason } },
          relatedRequestId,
        ).catch(() => {});
        reject(new RpcError(RpcErrorCode.RequestTimeout, "Request timed out", { timeout }));
      }, timeout);
      this.pending.set(id, { resolve, reject, timer });
      this.send(transport, { jsonrpc: "2.0", id, ...outgoing }, relatedRequestId).catch((err: Error) => {
        if (!this.pending.delete(id)) return;
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  private handleResponse(response: JSONRPCMessage & { id?: RequestId }): void {
    const id = typeof response.id === "number" ? response.id : Number(response.id);
    const waiting = this.pending.get(id);
    if (!waiting) {
      this.onerror?.(new Error(`Received a response for an unknown message ID: ${JSON.stringify(response)}`));
      return;
    }
    this.pending.delete(id);
    clearTimeout(waiting.timer);
    if (isResultResponse(response)) waiting.resolve(response.result);
    else if (isErrorResponse(response)) {
      const { code, message, data } = response.error;
      waiting.reject(new RpcError(code, message, data));
    }
  }

  private send(
    transport: Transport | undefined,
    message: JSONRPCMessage,
    relatedRequestId?: RequestId,
  ): Promise<void> {
    if (!transport) return Promise.resolve();
    return relatedRequestId === undefined
      ? transport.send(message)
      : transport.send(message, { relatedRequestId });
  }

  private reply(transport: Transport | undefined, message: JSONRPCMessage): void {
    this.send(transport, message).catch((err) =>
      this.onerror?.(new Error(`Failed to send an error response: ${err}`)),
    );
  }

  /** The transport closed: every running handler is cancelled, every request to the client fails. */
  private closed(): void {
    // Some transports report their close more than once (the SDK's in-memory pair does).
    if (this.transport === undefined) return;
    this.transport = undefined;
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.onclose?.();
    for (const { reject, timer } of pending) {
      clearTimeout(timer);
      reject(new RpcError(RpcErrorCode.ConnectionClosed, "Connection closed"));
    }
  }
}
