import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { createBearerCheck } from "./auth.js";
import { discardRest, readJsonBody } from "./body.js";
import {
  answerPreflight,
  isLoopbackAddress,
  isLoopbackHostHeader,
  isOriginAllowed,
  isOwnLoopbackOrigin,
  setCorsHeaders,
} from "./guards.js";
import { McpSessions, type SharedConfig } from "./sessions.js";

export interface HttpAppConfig extends SharedConfig {
  readonly host: string;
  readonly port: number;
  readonly token: string | undefined;
  readonly allowOrigins: readonly string[];
  /** Largest request body accepted, bytes. */
  readonly maxBodyBytes: number;
}

export interface HttpApp {
  readonly server: Server;
  readonly sessions: McpSessions;
  /** Starts listening; resolves with the bound address (the real port for port 0). */
  listen(): Promise<AddressInfo>;
  /** Stops accepting, closes every session in parallel, then drops the remaining connections. */
  shutdown(): Promise<void>;
}

/** The MCP path; everything else but /health is 404. */
export const MCP_PATH = "/mcp";

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

function rpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers?: Record<string, string>,
) {
  sendJson(res, status, { jsonrpc: "2.0", error: { code, message }, id: null }, headers);
}

function containsInitialize(body: unknown): boolean {
  return Array.isArray(body) ? body.some((m) => isInitializeRequest(m)) : isInitializeRequest(body);
}

/** `boris-http`'s request handling on a plain node:http server. */
export function createHttpApp(config: HttpAppConfig): HttpApp {
  const sessions = new McpSessions(config);
  const checkBearer = config.token !== undefined ? createBearerCheck(config.token) : undefined;
  const checkHost = isLoopbackAddress(config.host);
  const { logger } = config;

  async function handleMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const header = req.headers["mcp-session-id"];
    const sessionId = Array.isArray(header) ? header[0] : header;
    if (sessionId !== undefined && !sessions.has(sessionId)) {
      // Unknown or closed: the client must re-initialize. Nothing is allocated for it.
      return rpcError(res, 404, -32001, "Session not found: initialize a new session");
    }

    let body: unknown;
    if (req.method === "POST") {
      const read = await readJsonBody(req, config.maxBodyBytes);
      if (read.kind === "aborted") return;
      if (read.kind === "too-large") {
        logger.warn({ limit: config.maxBodyBytes }, "request body too large");
        const closeNow = discardRest(req);
        return rpcError(
          res,
          413,
          -32000,
          `Payload Too Large: request body over ${config.maxBodyBytes} bytes (--max-file-size plus protocol overhead)`,
          closeNow ? { Connection: "close" } : {},
        );
      }
      if (read.kind === "invalid-json") return rpcError(res, 400, -32700, "Parse error: Invalid JSON");
      body = read.value;
    }

    if (sessionId !== undefined) {
      if (!(await sessions.dispatch(sessionId, req, res, body))) {
        rpcError(res, 404, -32001, "Session not found: initialize a new session");
      }
      return;
    }
    if (req.method !== "POST" || !containsInitialize(body)) {
      return rpcError(res, 400, -32000, "Bad Request: Mcp-Session-Id header is required (initialize first)");
    }
    if (sessions.atCapacity) {
      logger.warn({ max: config.maxSessions }, "session limit reached");
      return rpcError(
        res,
        503,
        -32000,
        `Too many sessions: at most ${config.maxSessions} are open; retry later`,
        {
          "Retry-After": "5",
        },
      );
    }
    await sessions.initialize(req, res, body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (checkHost && !isLoopbackHostHeader(req.headers.host)) {
      logger.warn({ host: req.headers.host }, "refused a non-loopback Host header");
      return sendJson(res, 403, {
        error: "forbidden: Host must be a loopback name for a server bound to loopback",
      });
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const sameOrigin = checkHost && isOwnLoopbackOrigin(origin, req.socket.localPort);
      if (!sameOrigin && !isOriginAllowed(origin, config.allowOrigins)) {
        logger.warn({ origin }, "refused an Origin not in --allow-origin");
        return sendJson(res, 403, { error: "forbidden: Origin not allowed (see --allow-origin)" });
      }
      setCorsHeaders(res, origin);
      if (req.method === "OPTIONS") return answerPreflight(res);
    }
    if (path === "/health" && (req.method === "GET" || req.method === "HEAD")) {
      return sendJson(res, 200, { status: "ok", sessions: sessions.openCount, version: config.version });
    }
    if (path !== MCP_PATH) return sendJson(res, 404, { error: "not found: the MCP endpoint is /mcp" });
    if (checkBearer && !checkBearer(req.headers.authorization)) {
      return sendJson(res, 401, { error: "unauthorized" }, { "WWW-Authenticate": "Bearer" });
    }
    await handleMcp(req, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      logger.error({ err }, "request failed");
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      else res.destroy();
    });
  });

  let shuttingDown: Promise<void> | undefined;
  return {
    server,
    sessions,
    listen() {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.port, config.host, () => {
          server.off("error", reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    shutdown() {
      shuttingDown ??= (async () => {
        server.close();
        server.closeIdleConnections();
        await sessions.closeAll("server shutting down");
        server.closeAllConnections();
      })();
      return shuttingDown;
    },
  };
}
