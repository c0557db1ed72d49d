export { createHttpApp, type HttpApp, type HttpAppConfig, MCP_PATH } from "./app.js";
export { chooseToken, endpointUrl, runHttp, type TokenChoice } from "./cli.js";
export { createBearerCheck } from "./http/auth.js";
export { McpSessions, newSessionId, type SharedConfig } from "./sessions.js";
