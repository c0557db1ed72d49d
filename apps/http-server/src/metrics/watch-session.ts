import { type OperationLogger, type ToolConfig, toolNamesFor, watchOperations } from "@boris-mcp/tools";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { MetricsRecorder } from "./recorder.js";

/**
 * Watches one session's transport (after `server.connect`): each request goes to the metrics, each
 * tool call gets a log line (through `logger`, which adds the session id).
 */
export function watchSession(
  transport: Transport,
  toolConfig: ToolConfig,
  metrics: MetricsRecorder | undefined,
  logger: OperationLogger,
): void {
  watchOperations(transport, {
    toolNames: toolNamesFor(toolConfig),
    onOperation: metrics && ((op) => metrics.operation(op)),
    logger,
  });
}
