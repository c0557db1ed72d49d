import type { IncomingMessage } from "node:http";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@boris-mcp/tools";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { RequestInfo } from "@modelcontextprotocol/sdk/types.js";

/** A request the transport refuses: the HTTP status, the JSON-RPC error code and the message. */
export interface Refusal {
  readonly status: number;
  readonly code: number;
  readonly message: string;
}

/** The most messages one POST may carry (the SDK transport's limit). */
export const MAX_BATCH_SIZE = 100;

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The media type of a Content-Type value, lower case, without parameters; undefined when ambiguous. */
export function mediaTypeEssence(value: string | undefined): string | undefined {
  // A comma means joined duplicate headers (or a list): no single media type.
  if (value === undefined || value.includes(",")) return undefined;
  const semicolon = value.indexOf(";");
  const essence = (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  return essence === "" ? undefined : essence;
}

/** POST: the client must accept both JSON and SSE answers, and send JSON. */
export function checkPostHeaders(req: IncomingMessage): Refusal | undefined {
  const accept = header(req, "accept");
  if (!accept?.includes("application/json") || !accept.includes("text/event-stream")) {
    return {
      status: 406,
      code: -32000,
      message: "Not Acceptable: Client must accept both application/json and text/event-stream",
    };
  }
  const contentType = header(req, "content-type");
  if (contentType !== "application/json" && mediaTypeEssence(contentType) !== "application/json") {
    return {
      status: 415,
      code: -32000,
      message: "Unsupported Media Type: Content-Type must be application/json",
    };
  }
  return undefined;
}

/** GET: the answer is an SSE stream, so the client must accept one. */
export function checkGetHeaders(req: IncomingMessage): Refusal | undefined {
  if (header(req, "accept")?.includes("text/event-stream")) return undefined;
  return { status: 406, code: -32000, message: "Not Acceptable: Client must accept text/event-stream" };
}

/** Every request after `initialize`: an `Mcp-Protocol-Version`, when given, must be one spoken here. */
export function checkProtocolVersion(req: IncomingMessage): Refusal | undefined {
  const version = header(req, "mcp-protocol-version");
  if (version === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return undefined;
  const supported = SUPPORTED_PROTOCOL_VERSIONS.join(", ");
  return {
    status: 400,
    code: -32000,
    message: `Bad Request: Unsupported protocol version: ${version} (supported versions: ${supported})`,
  };
}

/** Every request after `initialize`: it names this transport's session. */
export function checkSession(
  req: IncomingMessage,
  sessionId: string | undefined,
  initialized: boolean,
): Refusal | undefined {
  if (!initialized) return { status: 400, code: -32000, message: "Bad Request: Server not initialized" };
  const given = header(req, "mcp-session-id");
  if (given === undefined || given === "") {
    return { status: 400, code: -32000, message: "Bad Request: Mcp-Session-Id header is required" };
  }
  if (given !== sessionId) return { status: 404, code: -32001, message: "Session not found" };
  return undefined;
}

/** What an authentication middleware put on the request (none in boris-http: the bearer check is its own). */
export function authInfoOf(req: IncomingMessage): AuthInfo | undefined {
  return (req as IncomingMessage & { auth?: AuthInfo }).auth;
}

/** The request's headers and, built only when asked for, its URL. */
export function requestInfoOf(req: IncomingMessage): RequestInfo {
  let url: URL | undefined;
  return {
    headers: req.headers,
    get url() {
      url ??= new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
      return url;
    },
  };
}
