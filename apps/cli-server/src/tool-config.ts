import { type BorisOptions, toolSettings } from "@boris-mcp/config";
import { createPathScope, type ToolConfig } from "@boris-mcp/tools";

/** The process-wide tool configuration, built once at start-up and shared by every session. */
export function buildToolConfig(options: BorisOptions, env: NodeJS.ProcessEnv): ToolConfig {
  return {
    ...toolSettings(options, env),
    pathScope: createPathScope({ allowDirs: options.allowDirs, denyPatterns: options.denyPatterns }),
  };
}
