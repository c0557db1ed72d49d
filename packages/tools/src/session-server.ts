import type { Session } from "@boris-mcp/session";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { RootsListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { noElicitationValidator } from "./core/no-elicitation.js";
import { type ScopeLogger, SessionScope } from "./core/session-scope.js";
import type { ToolConfig } from "./core/tool-config.js";
import { serveToolsOnDemand, type ToolDefinition } from "./core/tool-registry.js";

type ToolSet = typeof import("./tool-set.js");
let toolSet: ToolSet | undefined;
let loadingToolSet: Promise<ToolSet> | undefined;

/**
 * The definitions of the tools `config` enables. Their code (and their argument schemas) is
 * imported on the first `tools/list` or `tools/call` of the process, not at start-up: the first
 * `initialize` does not need it, and a bundled binary keeps it in a chunk of its own.
 */
function definitionsFor(config: ToolConfig): readonly ToolDefinition[] | Promise<readonly ToolDefinition[]> {
  if (toolSet) return toolSet.toolsFor(config);
  loadingToolSet ??= import("./tool-set.js").then((m) => {
    toolSet = m;
    return m;
  });
  return loadingToolSet.then((m) => m.toolsFor(config));
}

/**
 * Registers every enabled tool of `config` on `server`, bound to `session`; with `sessionScope`, a
 * call waits for the client's roots when they are not known yet.
 */
export function registerTools(
  server: McpServer | Server,
  session: Session,
  config: ToolConfig,
  sessionScope?: SessionScope,
): void {
  serveToolsOnDemand(server, session, config, () => definitionsFor(config), sessionScope);
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
 * The MCP server of one session, the same for both binaries: the SDK's low-level `Server` (the
 * tools install their own handlers, so McpServer's registration helpers would go unused) with every
 * tool `config` enables bound to `session`. With `config.followClientRoots`, a client that offers
 * roots gets its session started in and scoped to them (SessionScope). The caller connects it to a
 * transport.
 */
export function createSessionServer(
  identity: ServerIdentity,
  session: Session,
  config: ToolConfig,
  options: SessionServerOptions = {},
): Server {
  const server = new Server(
    { name: identity.name, version: identity.version },
    { capabilities: {}, instructions: identity.instructions, jsonSchemaValidator: noElicitationValidator },
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
    server.setNotificationHandler(RootsListChangedNotificationSchema, () => scope.rootsChanged());
    sessionScope = scope;
  }
  registerTools(server, session, config, sessionScope);
  return server;
}
