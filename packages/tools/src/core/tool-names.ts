import type { ToolConfig } from "./tool-config.js";

/**
 * Names accepted by --disable-tools: the one list. The apps hand it to @boris-mcp/config's parser
 * (config sits beside tools in the layering and cannot import it).
 */
export const TOOL_NAMES = ["bash", "view", "str_replace", "create_file", "grep", "glob"] as const;

/** Every name a tool can be advertised under (`str_replace_editor` in `--anthropic-compat` mode). */
export type AdvertisedToolName =
  | "bash"
  | "task_output"
  | "task_kill"
  | "view"
  | "str_replace"
  | "create_file"
  | "str_replace_editor"
  | "grep"
  | "glob";

type Selection = Pick<ToolConfig, "disabledTools" | "anthropicCompat">;

/**
 * The file tools a config enables: view, str_replace, create_file, or in compat mode the single
 * str_replace_editor, which stands for all three and so disappears when any of them is disabled.
 */
export function fileToolNames(config: Selection): AdvertisedToolName[] {
  const on = (name: string) => !config.disabledTools.has(name);
  if (config.anthropicCompat) {
    return on("view") && on("str_replace") && on("create_file") ? ["str_replace_editor"] : [];
  }
  return (["view", "str_replace", "create_file"] as const).filter(on);
}

/**
 * The names of the tools a config enables, in advertised order, known without loading any tool:
 * bash with the two tools that only make sense with it, the file tools, grep, glob.
 */
export function toolNamesFor(config: Selection): readonly AdvertisedToolName[] {
  const on = (name: string) => !config.disabledTools.has(name);
  return [
    ...(on("bash") ? (["bash", "task_output", "task_kill"] as const) : []),
    ...fileToolNames(config),
    ...(on("grep") ? (["grep"] as const) : []),
    ...(on("glob") ? (["glob"] as const) : []),
  ];
}
