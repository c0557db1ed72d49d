import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ContainmentKind } from "@boris-mcp/session";
import { isInitializeRequest } from "@boris-mcp/tools";
import { createBearerCheck } from "./http/auth.js";
import { discardRest, readJsonBody } from "./http/body.js";
import {
  answerPreflight,
  isLoopbackAddress,
  isLoopbackHostHeader,
  isOriginAllowed,
  isOwnLoopbackOrigin,
  setCorsHeaders,
} from "./http/guards.js";
import { rpcError, sendJson } from "./http/http-json.js";
import { isOAuthPath, oauthAnswer } from "./http/oauth.js";
import { RejectionLog } from "./http/rejection-log.js";
import { RequestTrace, wallMs } from "./http/request-trace.js";
import { serveMetrics } from "./metrics/endpoint.js";
import { McpSessions, type SharedConfig } from "./sessions.js";

/** How long an idle keep-alive connection is kept open: longer than clients' and proxies' own. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface HttpAppConfig extends SharedConfig {
  readonly host: string;
  readonly port: number;
  readonly token: string | undefined;
  readonly allowOrigins: readonly string[];
  /** Largest request body accepted, bytes. */
  readonly maxBodyBytes: number;
  /** How sessions are contained (`cgroup` or `marker`), as /health reports it. */
  readonly containment: ContainmentKind;
  /** Log each MCP request's timing and the event-loop delay at debug level (see RequestTrace). */
  readonly traceRequests?: boolean;
}

export interface HttpApp {
  readonly server: Server;
  readonly sessions: McpSessions;
  /** True once shutdown() began: /ready answers 503 and no new session is opened. */
  readonly shuttingDown: boolean;
  /** Starts listening; resolves with the bound address (the real port for port 0). */
  listen(): Promise<AddressInfo>;
  /**
   * Stops opening sessions (/ready turns 503, so a balancer drains this instance), closes every
   * session in parallel, then stops listening and drops the remaining connections.
   */
  shutdown(): Promise<void>;
}

/** The MCP path; everything else but /health, /ready, /metrics and the OAuth probes is 404. */
export const MCP_PATH = "/mcp";

/** Prometheus' scrape path, behind the same bearer token as MCP_PATH. */
export const METRICS_PATH = "/metrics";

function containsInitialize(body: unknown): boolean {
  return Array.isArray(body) ? body.some((m) => isInitializeRequest(m)) : isInitializeRequest(body);
}

const SESSION_NOT_FOUND = "Session not found: initialize a new session";

/** `boris-http`'s request handling on a plain node:http server. */
export function createHttpApp(config: HttpAppConfig): HttpApp {
  const sessions = new McpSessions(config);
  const checkBearer = config.token !== undefined ? createBearerCheck(config.token) : undefined;
  const checkHost = isLoopbackAddress(config.host);
  const { logger } = config;
  const rejections = new RejectionLog((fields, message) => logger.warn(fields, message));
  let shuttingDown: Promise<void> | undefined;
  const trace = config.traceRequests ? new RequestTrace(logger) : undefined;

  function refuse(req: IncomingMessage, fields: Record<string, unknown>, message: string): void {
    // The path without its query: a query string may carry what a client should not have sent.
    const path = (req.url ?? "/").split("?")[0];
    rejections.refused(req.socket.remoteAddress, { method: req.method, path, ...fields }, message);
  }

  async function handleMcp(req: IncomingMessage, res: ServerResponse, receivedAt: number): Promise<void> {
    const header = req.headers["mcp-session-id"];
    const sessionId = Array.isArray(header) ? header[0] : header;
    if (sessionId !== undefined && !sessions.has(sessionId)) {
      // Unknown, closed, or another instance's: the client must re-initialize. Nothing is allocated.
      return rpcError(res, 404, -32001, SESSION_NOT_FOUND);
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
    trace?.request(req, res, receivedAt, wallMs(), body);

    if (sessionId !== undefined) {
      if (!(await sessions.dispatch(sessionId, req, res, body)))
        rpcError(res, 404, -32001, SESSION_NOT_FOUND);
      return;
    }
    if (req.method !== "POST" || !containsInitialize(body)) {
      return rpcError(res, 400, -32000, "Bad Request: Mcp-Session-Id header is required (initialize first)");
    }
    if (shuttingDown) {
      return rpcError(res, 503, -32000, "Shutting down: initialize on another instance or retry later", {
        "Retry-After": "5",
      });
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

  async function handle(req: IncomingMessage, res: ServerResponse, receivedAt: number): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]!;
    if (checkHost && !isLoopbackHostHeader(req.headers.host)) {
      refuse(req, { status: 403, host: req.headers.host }, "refused a non-loopback Host header");
      return sendJson(res, 403, {
        error: "forbidden: Host must be a loopback name for a server bound to loopback",
      });
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const sameOrigin = checkHost && isOwnLoopbackOrigin(origin, req.socket.localPort);
      if (!sameOrigin && !isOriginAllowed(origin, config.allowOrigins)) {
        refuse(req, { status: 403, origin }, "refused an Origin not in --allow-origin");
        return sendJson(res, 403, { error: "forbidden: Origin not allowed (see --allow-origin)" });
      }
      setCorsHeaders(res, origin);
      if (req.method === "OPTIONS") return answerPreflight(res);
    }
    const read = req.method === "GET" || req.method === "HEAD";
    if (path === "/health" && read) {
      return sendJson(res, 200, {
        status: "ok",
        instance: config.instanceId,
        sessions: sessions.openCount,
        containment: config.containment,
        version: config.version,
      });
    }
    if (path === "/ready" && read) {
      return shuttingDown
        ? sendJson(res, 503, { status: "shutting down", instance: config.instanceId })
        : sendJson(res, 200, { status: "ready", instance: config.instanceId });
    }
    if (isOAuthPath(path)) {
      refuse(
        req,
        { status: 404 },
        "answered an OAuth discovery request: this server takes a static bearer token",
      );
      return sendJson(res, 404, oauthAnswer(endpointOf(req), checkBearer !== undefined));
    }
    const metricsPath = path === METRICS_PATH && read && config.metrics !== undefined;
    if (path !== MCP_PATH && !metricsPath) {
      return sendJson(res, 404, { error: "not found: the MCP endpoint is /mcp" });
    }
    if (checkBearer && !checkBearer(req.headers.authorization)) {
      const given = req.headers.authorization === undefined ? "missing" : "wrong";
      refuse(req, { status: 401, token: given }, "refused a request without the right bearer token");
      return sendJson(res, 401, { error: "unauthorized" }, { "WWW-Authenticate": "Bearer" });
    }
    if (metricsPath) return serveMetrics(req, res, config.metrics!, logger);
    await handleMcp(req, res, receivedAt);
  }

  function endpointOf(req: IncomingMessage): string {
    const host = req.headers.host ?? `${config.host}:${req.socket.localPort}`;
    return `http://${host}${MCP_PATH}`;
  }

  const server = createServer((req, res) => {
    handle(req, res, trace ? wallMs() : 0).catch((err) => {
      logger.error({ err }, "request failed");
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      else res.destroy();
    });
  });
  // An idle keep-alive connection must be closed by the client, not by us: a client (undici: 4 s,
  // proxies: up to 60 s) that sends on a connection we closed a moment before gets "other side
  // closed" (or a proxy's 502), which Node's 5 s default made likely under load.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  trace?.watch(server);

  return {
    server,
    sessions,
    get shuttingDown() {
      return shuttingDown !== undefined;
    },
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
        // Still listening while the sessions close: /ready tells balancers to drain this instance.
        await sessions.closeAll("shutdown");
        trace?.close();
        server.close();
        server.closeAllConnections();
      })();
      return shuttingDown;
    },
  };
}
