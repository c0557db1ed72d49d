// The JSON-RPC 2.0 messages MCP is made of: the SDK's types (type-only imports cost nothing at run
// time) and plain guards, so a server, a transport or a test can read messages without loading the
// SDK's zod schemas.
import type {
  InitializeRequest,
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResultResponse,
  RequestId,
} from "@modelcontextprotocol/sdk/types.js";

export type {
  InitializeRequest,
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

/*
 * Plain shape checks of JSON-RPC messages, with the rules of the MCP schema (JSON-RPC 2.0 envelope,
 * no unknown top-level member, integer ids and codes, object params and results, a well-typed
 * `_meta`), written out so neither binary loads the SDK's zod schemas: building them is most of a
 * start-up, and checking every message with them costs more than the rest of a request's handling.
 * jsonrpc.test.ts holds them to the SDK's schemas.
 */

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON-RPC id as MCP's schema has it: a string or an integer (never null). */
export function isRequestId(value: unknown): value is RequestId {
  return typeof value === "string" || Number.isInteger(value);
}

/** True when every member of `value` is one of `allowed` (the schema's objects are strict). */
function onlyMembers(value: Fields, allowed: readonly string[]): boolean {
  for (const key in value) if (!allowed.includes(key)) return false;
  return true;
}

const RELATED_TASK = "io.modelcontextprotocol/related-task";

/** `_meta` of params and results: absent, or an object with a well-typed progress token and task. */
function isMeta(meta: unknown): boolean {
  if (meta === undefined) return true;
  if (!isObject(meta)) return false;
  if (meta.progressToken !== undefined && !isRequestId(meta.progressToken)) return false;
  const task = meta[RELATED_TASK];
  return task === undefined || (isObject(task) && typeof task.taskId === "string");
}

/** `params` of a request or notification: absent, or an object with a valid `_meta`. */
function isParams(value: unknown): boolean {
  return value === undefined || (isObject(value) && isMeta(value._meta));
}

const REQUEST_MEMBERS = ["jsonrpc", "id", "method", "params"] as const;
const NOTIFICATION_MEMBERS = ["jsonrpc", "method", "params"] as const;
const RESULT_MEMBERS = ["jsonrpc", "id", "result"] as const;
const ERROR_MEMBERS = ["jsonrpc", "id", "error"] as const;

export function isRequest(value: unknown): value is JSONRPCRequest {
  return (
    isObject(value) &&
    value.jsonrpc === "2.0" &&
    isRequestId(value.id) &&
    typeof value.method === "string" &&
    isParams(value.params) &&
    onlyMembers(value, REQUEST_MEMBERS)
  );
}

export function isNotification(value: unknown): value is JSONRPCNotification {
  return (
    isObject(value) &&
    value.jsonrpc === "2.0" &&
    typeof value.method === "string" &&
    isParams(value.params) &&
    onlyMembers(value, NOTIFICATION_MEMBERS)
  );
}

export function isResultResponse(value: unknown): value is JSONRPCResultResponse {
  return (
    isObject(value) &&
    value.jsonrpc === "2.0" &&
    isRequestId(value.id) &&
    isObject(value.result) &&
    isMeta(value.result._meta) &&
    onlyMembers(value, RESULT_MEMBERS)
  );
}

export function isErrorResponse(value: unknown): value is JSONRPCErrorResponse {
  if (!isObject(value) || value.jsonrpc !== "2.0" || !onlyMembers(value, ERROR_MEMBERS)) return false;
  if (value.id !== undefined && !isRequestId(value.id)) return false;
  const { error } = value;
  return isObject(error) && Number.isInteger(error.code) && typeof error.message === "string";
}

/** A result or an error response: what ends a request's stream. */
export function isResponse(value: unknown): value is JSONRPCResultResponse | JSONRPCErrorResponse {
  return isResultResponse(value) || isErrorResponse(value);
}

/** Whether `value` is one JSON-RPC message of a kind MCP uses. */
export function isMessage(value: unknown): value is JSONRPCMessage {
  return isRequest(value) || isNotification(value) || isResultResponse(value) || isErrorResponse(value);
}

/** An `initialize` request: its params name the protocol version, the capabilities and the client. */
export function isInitializeRequest(value: unknown): value is InitializeRequest {
  if (!isObject(value) || value.method !== "initialize" || !isObject(value.params)) return false;
  if (!isMeta(value.params._meta)) return false;
  const { protocolVersion, capabilities, clientInfo } = value.params;
  return (
    typeof protocolVersion === "string" &&
    isObject(capabilities) &&
    isObject(clientInfo) &&
    typeof clientInfo.name === "string" &&
    typeof clientInfo.version === "string"
  );
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
