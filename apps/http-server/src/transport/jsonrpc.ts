import type {
  InitializeRequest,
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResultResponse,
  RequestId,
} from "@modelcontextprotocol/sdk/types.js";

/**
 * Plain shape checks of JSON-RPC messages, with the rules of the MCP schema (JSON-RPC 2.0 envelope,
 * no unknown top-level member, integer ids and codes, object params and results), written out so the
 * HTTP path never loads the SDK's zod schemas: building them is most of a start-up, and checking
 * every message with them costs more than the rest of a request's handling.
 */

/** Assumed for a request without `Mcp-Protocol-Version` (the streamable HTTP spec's default). */
export const DEFAULT_NEGOTIATED_PROTOCOL_VERSION = "2025-03-26";

/** The first protocol version whose clients read an SSE event with empty data (priming events). */
export const PRIMING_PROTOCOL_VERSION = "2025-11-25";

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isRequestId(value: unknown): value is RequestId {
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

export function isJSONRPCRequest(value: unknown): value is JSONRPCRequest {
  return (
    isObject(value) &&
    value.jsonrpc === "2.0" &&
    isRequestId(value.id) &&
    typeof value.method === "string" &&
    isParams(value.params) &&
    onlyMembers(value, REQUEST_MEMBERS)
  );
}

export function isJSONRPCNotification(value: unknown): value is JSONRPCNotification {
  return (
    isObject(value) &&
    value.jsonrpc === "2.0" &&
    typeof value.method === "string" &&
    isParams(value.params) &&
    onlyMembers(value, NOTIFICATION_MEMBERS)
  );
}

export function isJSONRPCResultResponse(value: unknown): value is JSONRPCResultResponse {
  return (
    isObject(value) &&
    value.jsonrpc === "2.0" &&
    isRequestId(value.id) &&
    isObject(value.result) &&
    isMeta(value.result._meta) &&
    onlyMembers(value, RESULT_MEMBERS)
  );
}

export function isJSONRPCErrorResponse(value: unknown): value is JSONRPCErrorResponse {
  if (!isObject(value) || value.jsonrpc !== "2.0" || !onlyMembers(value, ERROR_MEMBERS)) return false;
  if (value.id !== undefined && !isRequestId(value.id)) return false;
  const { error } = value;
  return isObject(error) && Number.isInteger(error.code) && typeof error.message === "string";
}

/** A result or an error response: what ends a request's stream. */
export function isJSONRPCResponse(value: unknown): value is JSONRPCResultResponse | JSONRPCErrorResponse {
  return isJSONRPCResultResponse(value) || isJSONRPCErrorResponse(value);
}

export function isJSONRPCMessage(value: unknown): value is JSONRPCMessage {
  return (
    isJSONRPCRequest(value) ||
    isJSONRPCNotification(value) ||
    isJSONRPCResultResponse(value) ||
    isJSONRPCErrorResponse(value)
  );
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
