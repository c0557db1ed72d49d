// The surface the two binaries build on; everything else stays inside the package.
export { DEFAULT_IDLE_COLLECTION, IdleCollector, type RequestActivity } from "./core/idle-collector.js";
export { type Operation, type OperationLogger, watchOperations } from "./core/operation-watch.js";
export type { ScopeLogger } from "./core/session-scope.js";
export { createToolConfig, type ToolConfig, type ToolSettings } from "./core/tool-config.js";
export { type AdvertisedToolName, TOOL_NAMES, toolNamesFor } from "./core/tool-names.js";
export { hasPrebuiltListing } from "./listing/advertised-tools.js";
export * from "./protocol/jsonrpc.js";
export { ProtocolServer, SUPPORTED_PROTOCOL_VERSIONS } from "./protocol/protocol-server.js";
export type { RequestExtra } from "./protocol/rpc-endpoint.js";
export { searchActivity } from "./search/rg-slot-pool.js";
export { createSessionServer, type ServerIdentity, type SessionServerOptions } from "./session-server.js";
