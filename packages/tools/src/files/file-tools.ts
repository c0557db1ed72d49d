import type { ToolConfig } from "../core/tool-config.js";
import type { ToolDefinition } from "../core/tool-registry.js";
import { createFileTool } from "./create-file.js";
import { strReplaceTool } from "./str-replace.js";
import { strReplaceEditorTool } from "./str-replace-editor.js";
import { viewTool } from "./view.js";

/**
 * The file tools a config enables: view, str_replace, create_file, or in compat mode the single
 * str_replace_editor, which stands for all three and so disappears when any of them is disabled.
 */
export function fileTools(config: ToolConfig): ToolDefinition[] {
  const on = (name: string) => !config.disabledTools.has(name);
  if (config.anthropicCompat) {
    return on("view") && on("str_replace") && on("create_file") ? [strReplaceEditorTool(config)] : [];
  }
  const tools: ToolDefinition[] = [];
  if (on("view")) tools.push(viewTool(config));
  if (on("str_replace")) tools.push(strReplaceTool(config));
  if (on("create_file")) tools.push(createFileTool(config));
  return tools;
}
