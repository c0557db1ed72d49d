import type { Session } from "@boris-mcp/session";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { RootsListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { type ScopeLogger, SessionScope } from "./core/session-scope.js";
import type { ToolConfig } from "./core/tool-config.js";
import { serveTools, type ToolDefinition } from "./core/tool-registry.js";
import { fileTools } from "./files/file-tools.js";
import { globTool } from "./search/glob.js";
import { grepTool } from "./search/grep.js";
import { shellTools } from "./shell/shell-tools.js";

export { ErrorCode, errorResult, ioError, ToolError, textResult } from "./core/errors.js";
export { ROOTS_TIMEOUT_MS, type ScopeLogger } from "./core/session-scope.js";
export { createToolConfig, type ToolConfig, type ToolSettings } from "./core/tool-config.js";
export type { ToolContext, ToolDefinition } from "./core/tool-registry.js";
export { defineTool, describeTools, serveTools } from "./core/tool-registry.js";
export { type AtomicWriteOptions, atomicWrite } from "./files/atomic-write.js";
export { fileTools } from "./files/file-tools.js";
export type { PathScope, PathScopeOptions, ScopedPath } from "./scope/path-scope.js";
export { createPathScope } from "./scope/path-scope.js";
export { globTool } from "./search/glob.js";
export { grepTool } from "./search/grep.js";
export { shellTools } from "./shell/shell-tools.js";

/**
 * Names accepted by --disable-tools: the one list. The apps hand it to @boris-mcp/config's parser
 * (config sits beside tools in the layering and cannot import it).
 */
export const TOOL_NAMES = ["bash", "view", "str_replace", "create_file", "grep", "glob"] as const;

const toolSets = new WeakMap<ToolConfig, readonly ToolDefinition[]>();

/** The tool definitions a config enables, in advertised order; computed once per config. */
export function toolsFor(config: ToolConfig): readonly ToolDefinition[] {
  let defs = toolSets.get(config);
  if (!defs) {
    const on = (name: string) => !config.disabledTools.has(name);
    const list: ToolDefinition[] = [];
    // Each tool family adds itself here as it lands (bash.ts, view.ts, grep.ts …).
    if (on("bash")) list.push(...shellTools(config));
    list.push(...fileTools(config));
    if (on("grep")) list.push(grepTool(config));
    if (on("glob")) list.push(globTool(config));
    void on;
    defs = list;
    toolSets.set(config, defs);
  }
  return defs;
}

/** Registers every enabled tool of `config` on `server`, bound to `session`. */
export function registerTools(server: McpServer | Server, session: Session, config: ToolConfig): void {
  serveTools(server, session, config, toolsFor(config));
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
    { capabilities: {}, instructions: identity.instructions },
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
  serveTools(server, session, config, toolsFor(config), sessionScope);
  return server;
}
