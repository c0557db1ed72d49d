export { createHttpApp, type HttpApp, type HttpAppConfig, MCP_PATH } from "./app.js";
export { createBearerCheck } from "./auth.js";
export { chooseToken, endpointUrl, runHttp, type TokenChoice } from "./cli.js";
export { McpSessions, newSessionId, type SharedConfig } from "./sessions.js";
