import type { Session } from "@boris-mcp/session";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { fileTools } from "./file-tools.js";
import { globTool } from "./glob.js";
import { grepTool } from "./grep.js";
import { shellTools } from "./shell-tools.js";
import type { ToolConfig } from "./tool-config.js";
import { serveTools, type ToolDefinition } from "./tool-registry.js";

export { type AtomicWriteOptions, atomicWrite } from "./atomic-write.js";
export { ErrorCode, errorResult, ioError, ToolError, textResult } from "./errors.js";
export { fileTools } from "./file-tools.js";
export { globTool } from "./glob.js";
export { grepTool } from "./grep.js";
export type { PathScope, PathScopeOptions, ScopedPath } from "./pathscope.js";
export { createPathScope } from "./pathscope.js";
export { shellTools } from "./shell-tools.js";
export type { ToolConfig } from "./tool-config.js";
export type { ToolContext, ToolDefinition } from "./tool-registry.js";
export { defineTool, describeTools, serveTools } from "./tool-registry.js";

/** Names accepted by --disable-tools. */
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
