export { ErrorCode, errorResult, ioError, ToolError, textResult } from "./core/errors.js";
export { noElicitationValidator } from "./core/no-elicitation.js";
export { ROOTS_TIMEOUT_MS, type ScopeLogger } from "./core/session-scope.js";
export { createToolConfig, type ToolConfig, type ToolSettings } from "./core/tool-config.js";
export { type AdvertisedToolName, TOOL_NAMES, toolNamesFor } from "./core/tool-names.js";
export type { ToolContext, ToolDefinition } from "./core/tool-registry.js";
export { defineTool, describeTools, serveTools, serveToolsOnDemand } from "./core/tool-registry.js";
export { type AtomicWriteOptions, atomicWrite } from "./files/atomic-write.js";
export { fileTools } from "./files/file-tools.js";
export type { PathScope, PathScopeOptions, ScopedPath } from "./scope/path-scope.js";
export { createPathScope } from "./scope/path-scope.js";
export { globTool } from "./search/glob.js";
export { grepTool } from "./search/grep.js";
export {
  createSessionServer,
  registerTools,
  type ServerIdentity,
  type SessionServerOptions,
} from "./session-server.js";
export { shellTools } from "./shell/shell-tools.js";
export { toolsFor } from "./tool-set.js";
