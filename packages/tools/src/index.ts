// The surface the two binaries build on; everything else stays inside the package.
export { type Operation, type OperationLogger, watchOperations } from "./core/operation-watch.js";
export type { ScopeLogger } from "./core/session-scope.js";
export { createToolConfig, type ToolConfig, type ToolSettings } from "./core/tool-config.js";
export { type AdvertisedToolName, TOOL_NAMES, toolNamesFor } from "./core/tool-names.js";
export { searchActivity } from "./search/rg-slot-pool.js";
export { createSessionServer, type ServerIdentity, type SessionServerOptions } from "./session-server.js";
