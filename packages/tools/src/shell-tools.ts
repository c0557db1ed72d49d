import { bashTool } from "./bash.js";
import { taskKillTool } from "./task-kill.js";
import { taskOutputTool } from "./task-output.js";
import type { ToolConfig } from "./tool-config.js";
import type { ToolDefinition } from "./tool-registry.js";

/** bash and the two tools that only make sense with it (registered together, or not at all). */
export function shellTools(config: ToolConfig): ToolDefinition[] {
  return [bashTool(config), taskOutputTool(config), taskKillTool(config)];
}
