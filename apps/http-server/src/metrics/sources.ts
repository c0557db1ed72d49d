import { searchActivity, type ToolConfig } from "@boris-mcp/tools";
import type { McpSessions } from "../sessions.js";
import type { MetricsSources } from "./recorder.js";

/** The gauges' readings from the server's sessions (read at each scrape) and its search slots. */
export function metricsSources(sessions: () => McpSessions, toolConfig: ToolConfig): MetricsSources {
  return {
    sessionsActive: () => sessions().openCount,
    backgroundTasksRunning: () => {
      const { registry } = sessions();
      let running = 0;
      for (const id of registry.ids()) running += registry.get(id)?.runningTaskCount ?? 0;
      return running;
    },
    search: () => searchActivity(toolConfig),
  };
}
