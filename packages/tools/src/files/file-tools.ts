import type { ToolConfig } from "../core/tool-config.js";
import { fileToolNames } from "../core/tool-names.js";
import type { ToolDefinition } from "../core/tool-registry.js";
import { createFileTool } from "./create-file.js";
import { strReplaceTool } from "./str-replace.js";
import { strReplaceEditorTool } from "./str-replace-editor.js";
import { viewTool } from "./view.js";

const FILE_TOOLS = {
  view: viewTool,
  str_replace: strReplaceTool,
  create_file: createFileTool,
  str_replace_editor: strReplaceEditorTool,
} as const;

/**
 * The file tools a config enables: view, str_replace, create_file, or in compat mode the single
 * str_replace_editor (see fileToolNames).
 */
export function fileTools(config: ToolConfig): ToolDefinition[] {
  return fileToolNames(config).map((name) => FILE_TOOLS[name as keyof typeof FILE_TOOLS](config));
}
