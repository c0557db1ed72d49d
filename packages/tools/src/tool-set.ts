import type { ToolConfig } from "./core/tool-config.js";
import { type AdvertisedToolName, toolNamesFor } from "./core/tool-names.js";
import { catalogOf, type ToolCatalog, type ToolDefinition } from "./core/tool-registry.js";
import { createFileTool } from "./files/create-file.js";
import { strReplaceTool } from "./files/str-replace.js";
import { strReplaceEditorTool } from "./files/str-replace-editor.js";
import { viewTool } from "./files/view.js";
import { globTool } from "./search/glob.js";
import { grepTool } from "./search/grep.js";
import { bashTool } from "./shell/bash.js";
import { taskKillTool } from "./shell/task-kill.js";
import { taskOutputTool } from "./shell/task-output.js";

/** Every tool's definition, by the name it is advertised under. */
const TOOLS: Record<AdvertisedToolName, (config: ToolConfig) => ToolDefinition> = {
  bash: bashTool,
  task_output: taskOutputTool,
  task_kill: taskKillTool,
  view: viewTool,
  str_replace: strReplaceTool,
  create_file: createFileTool,
  str_replace_editor: strReplaceEditorTool,
  grep: grepTool,
  glob: globTool,
};

const toolSets = new WeakMap<ToolConfig, readonly ToolDefinition[]>();

/** The tool definitions a config enables, in advertised order; computed once per config. */
export function toolsFor(config: ToolConfig): readonly ToolDefinition[] {
  let defs = toolSets.get(config);
  if (!defs) {
    defs = toolNamesFor(config).map((name) => TOOLS[name](config));
    toolSets.set(config, defs);
  }
  return defs;
}

/** The catalog (listing and calls) of the tools a config enables. */
export function catalogFor(config: ToolConfig): ToolCatalog {
  return catalogOf(toolsFor(config));
}
