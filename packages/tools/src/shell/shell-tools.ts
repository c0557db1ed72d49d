import type { ToolConfig } from "../core/tool-config.js";
import type { ToolDefinition } from "../core/tool-registry.js";
import { bashTool } from "./bash.js";
import { taskKillTool } from "./task-kill.js";
import { taskOutputTool } from "./task-output.js";

/** bash and the two tools that only make sense with it (registered together, or not at all). */
export function shellTools(config: ToolConfig): ToolDefinition[] {
  return [bashTool(config), taskOutputTool(config), taskKillTool()];
}
