// The JSON-RPC 2.0 messages MCP is made of: the SDK's types (type-only imports cost nothing at run
// time) and plain guards, so a server, a transport or a test can read messages without loading the
// SDK's zod schemas.
import type {
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResultResponse,
  RequestId,
} from "@modelcontextprotocol/sdk/types.js";

export type {
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResultResponse,
  RequestId,
};

/** JSON-RPC's and MCP's error codes, as the SDK's `ErrorCode` numbers them. */
export const RpcErrorCode = {
  ConnectionClosed: -32000,
  RequestTimeout: -32001,
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
} as const;

/** An error a request handler throws to answer with this code (anything else answers -32603). */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "RpcError";
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON-RPC id: a string or a finite number (MCP forbids null). */
export function isRequestId(value: unknown): value is RequestId {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

function hasValidParams(message: Record<string, unknown>): boolean {
  return message.params === undefined || isObject(message.params);
}

export function isRequest(message: unknown): message is JSONRPCRequest {
  return (
    isObject(message) &&
    message.jsonrpc === "2.0" &&
    typeof message.method === "string" &&
    isRequestId(message.id) &&
    hasValidParams(message)
  );
}

export function isNotification(message: unknown): message is JSONRPCNotification {
  return (
    isObject(message) &&
    message.jsonrpc === "2.0" &&
    typeof message.method === "string" &&
    !("id" in message) &&
    hasValidParams(message)
  );
}

export function isResultResponse(message: unknown): message is JSONRPCResultResponse {
  return (
    isObject(message) && message.jsonrpc === "2.0" && isRequestId(message.id) && isObject(message.result)
  );
}

export function isErrorResponse(message: unknown): message is JSONRPCErrorResponse {
  if (!isObject(message) || message.jsonrpc !== "2.0" || !isObject(message.error)) return false;
  const { error } = message;
  return (
    (message.id === undefined || isRequestId(message.id)) &&
    Number.isInteger(error.code) &&
    typeof error.message === "string"
  );
}

/** Whether `value` is one JSON-RPC message of a kind MCP uses. */
export function isMessage(value: unknown): value is JSONRPCMessage {
  return isRequest(value) || isNotification(value) || isResultResponse(value) || isErrorResponse(value);
}

/** Why a text is not a message: the error answered to it, with the id to answer to when one is known. */
export class MessageError extends Error {
  constructor(
    readonly code: typeof RpcErrorCode.ParseError | typeof RpcErrorCode.InvalidRequest,
    message: string,
    readonly id: RequestId | undefined,
  ) {
    super(message);
    this.name = "MessageError";
  }
}

/** Parses one serialized message; throws a MessageError for bad JSON or a value that is no message. */
export function parseMessage(text: string): JSONRPCMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new MessageError(RpcErrorCode.ParseError, `Parse error: ${(err as Error).message}`, undefined);
  }
  if (isMessage(value)) return value;
  const id = isObject(value) && isRequestId(value.id) ? value.id : undefined;
  throw new MessageError(
    RpcErrorCode.InvalidRequest,
    "Invalid Request: not a JSON-RPC 2.0 request, notification or response",
    id,
  );
}

/** The error answer to request `id`. */
export function errorResponse(
  id: RequestId,
  code: number,
  message: string,
  data?: unknown,
): JSONRPCErrorResponse {
  return { jsonrpc: "2.0", id, error: { code, message, ...(data !== undefined ? { data } : {}) } };
}
