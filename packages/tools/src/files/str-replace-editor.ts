import { z } from "zod";
import { ErrorCode, ToolError } from "../core/errors.js";
import type { ToolConfig } from "../core/tool-config.js";
import { defineTool, type ToolDefinition } from "../core/tool-registry.js";
import { createFile } from "./create-file.js";
import { strReplace } from "./str-replace.js";
import { formatSize } from "./text-format.js";
import { pathField, viewRangeField } from "./tool-fields.js";
import { DEFAULT_VIEW_LINES, viewPath } from "./view.js";
import { COMPAT_NAMES } from "./view-before-edit.js";

export const EDITOR_COMMANDS = ["view", "str_replace", "create"] as const;

const editorSchema = z.object({
  // A plain string (advertised as an enum) so an unknown command gets our message, not zod's.
  command: z
    .string()
    .meta({ enum: [...EDITOR_COMMANDS] })
    .describe(
      "view: read a file or list a directory; str_replace: replace exact text; create: write a whole file.",
    ),
  path: pathField,
  view_range: viewRangeField.describe(
    "view only: [start, end] line numbers, 1-indexed, inclusive; end -1 = to the end.",
  ),
  old_str: z
    .string()
    .optional()
    .describe("str_replace only: exact text to replace; must occur once unless replace_all."),
  new_str: z
    .string()
    .optional()
    .describe('str_replace only: replacement text (default "", which deletes old_str).'),
  replace_all: z.boolean().optional().describe("str_replace only: replace every occurrence."),
  file_text: z.string().optional().describe("create only: the complete content of the file."),
});

function missing(command: string, field: string, what: string): ToolError {
  return new ToolError(
    ErrorCode.INVALID_INPUT,
    `command "${command}" needs the argument '${field}' (${what}). Add it and call again.`,
  );
}

/** The `--anthropic-compat` editor: view, str_replace and create_file behind one Claude-shaped schema. */
export function strReplaceEditorTool(config: ToolConfig): ToolDefinition {
  const rule = config.requireViewBeforeEdit
    ? " A file must be viewed in this session before str_replace can edit it or create can overwrite it, and must not have changed on disk since."
    : "";
  return defineTool({
    name: "str_replace_editor",
    description:
      "View, create and edit files. " +
      `view shows a file with line numbers like \`cat -n\` (the first ${DEFAULT_VIEW_LINES} lines unless view_range is given; long lines are cut), ` +
      "images as images, or a directory two levels deep. " +
      "str_replace replaces old_str, which must match exactly once (whitespace included; add context or set replace_all), with new_str. " +
      "create writes file_text to path, creating parent directories. " +
      `Files over ${formatSize(config.maxFileSize)} are refused. Line endings, BOM and file mode are preserved; writes are atomic.` +
      rule,
    inputSchema: editorSchema,
    annotations: { title: "File editor", readOnlyHint: false, destructiveHint: true, openWorldHint: false },
    handler: async (args, ctx) => {
      switch (args.command) {
        case "view":
          return viewPath(ctx, { path: args.path, view_range: args.view_range });
        case "str_replace":
          if (args.old_str === undefined)
            throw missing("str_replace", "old_str", "the exact text to replace");
          return strReplace(ctx, COMPAT_NAMES, {
            path: args.path,
            old_str: args.old_str,
            new_str: args.new_str ?? "",
            replace_all: args.replace_all ?? false,
          });
        case "create":
          if (args.file_text === undefined)
            throw missing("create", "file_text", "the content of the new file");
          return createFile(ctx, COMPAT_NAMES, { path: args.path, content: args.file_text });
        default: {
          const unsupported =
            args.command === "insert" || args.command === "undo_edit"
              ? ` ${args.command} is not supported: use str_replace (to insert, replace a nearby line with itself plus the new lines).`
              : "";
          throw new ToolError(
            ErrorCode.INVALID_INPUT,
            `unknown command '${args.command}'. Valid commands: ${EDITOR_COMMANDS.join(", ")}.${unsupported}`,
          );
        }
      }
    },
  });
}
