export { createHttpApp, type HttpApp, type HttpAppConfig, MCP_PATH } from "./app.js";
export { createBearerCheck } from "./auth.js";
export { endpointUrl, maxBodyBytes, runHttp } from "./cli.js";
export { McpSessions, type SharedConfig } from "./sessions.js";
export { buildToolConfig } from "./tool-config.js";
