import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";
import { errorCodeOf } from "./errors.js";
import type { RequestActivity } from "./idle-collector.js";

/**
 * Request methods a client may send an MCP server (protocol 2025-11-25). Anything else is counted
 * as OTHER_METHOD: a metric label must never carry what a client made up.
 */
export const MCP_REQUEST_METHODS: ReadonlySet<string> = new Set([
  "initialize",
  "ping",
  "tools/list",
  "tools/call",
  "resources/list",
  "resources/templates/list",
  "resources/read",
  "resources/subscribe",
  "resources/unsubscribe",
  "prompts/list",
  "prompts/get",
  "completion/complete",
  "logging/setLevel",
  "tasks/get",
  "tasks/list",
  "tasks/result",
  "tasks/cancel",
]);

/** The method and tool name of an operation whose real name is not in the known set. */
export const OTHER_METHOD = "other";

/** error_type of a tools/call whose error result carries no known `[CODE]` (OpenTelemetry's value). */
export const TOOL_ERROR = "tool_error";

/** error_type of a request that ended without an answer: cancelled, or its session closed first. */
export const CANCELLED = "cancelled";

/** One MCP request, from its arrival to its answer. */
export interface Operation {
  /** A name of MCP_REQUEST_METHODS, or OTHER_METHOD. */
  readonly method: string;
  /** For tools/call: the tool, one of the served names or OTHER_METHOD; "" otherwise. */
  readonly tool: string;
  /**
   * "" for a success; the `[CODE]` of a tool's error result (TOOL_ERROR when it has none we know);
   * the JSON-RPC error code of an error answer, as a string; CANCELLED for no answer at all.
   */
  readonly errorType: string;
  readonly durationSeconds: number;
}

/** Where a session's tool calls are logged (the apps' logger, with the session id where there is one). */
export interface OperationLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

export interface OperationWatchOptions {
  /** The tools this server serves: the only values `tool` takes besides OTHER_METHOD and "". */
  readonly toolNames: Iterable<string>;
  /** Told about every finished request (the metrics). Must not throw. */
  readonly onOperation?: (operation: Operation) => void;
  /** Gets one line per finished tools/call: the tool, its error type when it failed, its duration. */
  readonly logger?: OperationLogger;
  /** Told when each request starts and ends (the idle collector). Must not throw. */
  readonly activity?: RequestActivity;
}

/** The error type of a tools/call result: "" unless `isError`, then its `[CODE]` (see `errorResult`). */
export function toolErrorType(result: unknown): string {
  const r = result as { isError?: unknown; content?: unknown } | undefined;
  if (r?.isError !== true) return "";
  const first = Array.isArray(r.content) ? (r.content[0] as { text?: unknown } | undefined) : undefined;
  const code = typeof first?.text === "string" ? errorCodeOf(first.text) : undefined;
  return code ?? TOOL_ERROR;
}

/**
 * A monotonic clock, ms. Not `performance.now()`: its first use loads Node's perf_hooks modules
 * (1–5 ms of CPU and ~0.4 MB), which would land on the first request of every start-up.
 */
function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

interface Pending {
  readonly method: string;
  readonly tool: string;
  readonly start: number;
}

/**
 * Times every request the server behind `transport` answers, from the moment the transport hands it
 * over to the moment the answer is sent, by wrapping the transport's `onmessage` and `send`. Call it
 * once, after `server.connect(transport)` (which installs `onmessage`). Requests cancelled by the
 * client, or still open when the transport closes, end as CANCELLED.
 */
export function watchOperations(transport: Transport, options: OperationWatchOptions): void {
  const toolNames = new Set(options.toolNames);
  const pending = new Map<RequestId, Pending>();

  const finish = (id: RequestId, errorType: (p: Pending) => string) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    options.activity?.finished();
    const operation: Operation = {
      method: p.method,
      tool: p.tool,
      errorType: errorType(p),
      durationSeconds: (nowMs() - p.start) / 1000,
    };
    try {
      options.onOperation?.(operation);
    } catch {
      // Observing a call must never break answering it.
    }
    if (p.method === "tools/call") {
      options.logger?.info(
        {
          tool: operation.tool,
          ...(operation.errorType !== "" ? { error: operation.errorType } : {}),
          ms: Math.round(operation.durationSeconds * 1000),
        },
        "tool call",
      );
    }
  };

  // Plain shape checks, not the SDK's schemas: this runs on every message, big results included.
  const received = (message: JSONRPCMessage) => {
    if (!("method" in message)) return;
    if ("id" in message) {
      const method = MCP_REQUEST_METHODS.has(message.method) ? message.method : OTHER_METHOD;
      const name =
        method === "tools/call" ? (message.params as { name?: unknown } | undefined)?.name : undefined;
      const tool =
        method !== "tools/call" ? "" : typeof name === "string" && toolNames.has(name) ? name : OTHER_METHOD;
      if (!pending.has(message.id)) options.activity?.started();
      pending.set(message.id, { method, tool, start: nowMs() });
    } else if (message.method === "notifications/cancelled") {
      const id = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      if (id !== undefined) finish(id, () => CANCELLED);
    }
  };

  const sent = (message: JSONRPCMessage) => {
    if ("method" in message || !("id" in message) || message.id === undefined) return;
    if ("result" in message) {
      const { result } = message;
      finish(message.id, (p) => (p.method === "tools/call" ? toolErrorType(result) : ""));
    } else if ("error" in message) {
      const { code } = message.error;
      finish(message.id, () => String(code));
    }
  };

  const onmessage = transport.onmessage;
  transport.onmessage = (message, extra) => {
    received(message);
    onmessage?.(message, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = (message, sendOptions) => {
    // The answer goes out first: the log line and the metrics are written while the client reads it.
    try {
      return send(message, sendOptions);
    } finally {
      sent(message);
    }
  };
  const onclose = transport.onclose;
  transport.onclose = () => {
    for (const id of [...pending.keys()]) finish(id, () => CANCELLED);
    onclose?.();
  };
}
