import type { Session } from "@boris-mcp/session";
import { type ScopeLogger, SessionScope } from "./core/session-scope.js";
import type { ToolConfig } from "./core/tool-config.js";
import type { ToolCatalog } from "./core/tool-registry.js";
import { serveTools } from "./core/tool-server.js";
import { advertisedTools } from "./listing/advertised-tools.js";
import { ProtocolServer } from "./protocol/protocol-server.js";

type ToolSet = typeof import("./tool-set.js");
let toolSet: ToolSet | undefined;
let loadingToolSet: Promise<ToolSet> | undefined;

/**
 * The tools `config` enables. Their code (their zod argument schemas with it) is imported on the
 * first `tools/call` of the process (or a `tools/list` the pre-built listing cannot answer), not
 * at start-up: a bundled binary keeps it in a chunk of its own.
 */
function catalogFor(config: ToolConfig): ToolCatalog | Promise<ToolCatalog> {
  if (toolSet) return toolSet.catalogFor(config);
  loadingToolSet ??= import("./tool-set.js").then((m) => {
    toolSet = m;
    return m;
  });
  return loadingToolSet.then((m) => m.catalogFor(config));
}

/**
 * Registers every enabled tool of `config` on `server`, bound to `session`; with `sessionScope`, a
 * call waits for the client's roots when they are not known yet.
 */
export function registerTools(
  server: ProtocolServer,
  session: Session,
  config: ToolConfig,
  sessionScope?: SessionScope,
): void {
  serveTools(server, {
    session,
    config,
    sessionScope,
    catalog: () => catalogFor(config),
    listing: () => advertisedTools(config),
  });
}

/** What a server says about itself in the initialize result. */
export interface ServerIdentity {
  /** The binary's name (`boris`, `boris-http`). */
  readonly name: string;
  readonly version: string;
  readonly instructions: string;
}

export interface SessionServerOptions {
  /** Where the client roots' decisions go (ignored roots, the scope they set). */
  readonly logger?: ScopeLogger;
  /** How long the client may take to answer `roots/list`, ms; default ROOTS_TIMEOUT_MS. */
  readonly rootsTimeoutMs?: number;
}

/**
 * The MCP server of one session, the same for both binaries: a ProtocolServer with every tool
 * `config` enables bound to `session`. With `config.followClientRoots`, a client that offers roots
 * gets its session started in and scoped to them (SessionScope). The caller connects it to a
 * transport (any implementation of the SDK's `Transport` interface).
 */
export function createSessionServer(
  identity: ServerIdentity,
  session: Session,
  config: ToolConfig,
  options: SessionServerOptions = {},
): ProtocolServer {
  const server = new ProtocolServer(
    { name: identity.name, version: identity.version },
    { instructions: identity.instructions },
  );
  let sessionScope: SessionScope | undefined;
  if (config.followClientRoots) {
    const scope = new SessionScope({
      operatorScope: config.pathScope,
      session,
      clientOffersRoots: () => server.getClientCapabilities()?.roots !== undefined,
      logger: options.logger,
      rootsTimeoutMs: options.rootsTimeoutMs,
    });
    server.setNotificationHandler("notifications/roots/list_changed", () => scope.rootsChanged());
    sessionScope = scope;
  }
  registerTools(server, session, config, sessionScope);
  return server;
}
