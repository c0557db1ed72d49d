import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { ErrorCode, ioError, ToolError, textResult } from "../core/errors.js";
import type { ToolConfig } from "../core/tool-config.js";
import { defineTool, type ToolContext, type ToolDefinition } from "../core/tool-registry.js";
import { fdPath, hasProcFd } from "../scope/fd-path.js";
import type { ScopedFile } from "../scope/scoped-open.js";
import { dirTree } from "./dir-tree.js";
import { assertOpen, openScoped } from "./file-access.js";
import { tooLarge } from "./size-limits.js";
import { formatSize, MAX_LINE_CHARS } from "./text-format.js";
import { pathField, type ViewRequest, viewRangeField } from "./tool-fields.js";
import { DEFAULT_VIEW_LINES, viewOpenFile } from "./view-file.js";

export { DEFAULT_VIEW_LINES } from "./view-file.js";

const viewSchema = z.object({ path: pathField, view_range: viewRangeField });

/** Shared by `view` and `str_replace_editor` (command "view"). */
export async function viewPath(ctx: ToolContext, request: ViewRequest): Promise<CallToolResult> {
  assertOpen(ctx.session);
  const given = request.path;
  let file: ScopedFile;
  try {
    file = await openScoped(ctx, given);
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw ioError("view", given, err);
  }
  try {
    const st = file.stats;
    if (st.isDirectory()) return await listDirectory(ctx, file, given);
    if (!st.isFile()) {
      throw new ToolError(
        ErrorCode.IO_ERROR,
        `${given} is not a regular file or directory (a device, FIFO or socket); view reads only files and directories.`,
      );
    }
    const limit = ctx.config.maxFileSize;
    if (st.size > limit) {
      throw tooLarge(
        given,
        st.size,
        limit,
        "Search it with grep, or read parts of it with bash (e.g. sed -n '100,200p').",
      );
    }
    return await viewOpenFile(ctx, file, given, request.view_range);
  } catch (err) {
    if (err instanceof ToolError || ctx.signal.aborted) throw err;
    throw ioError("read", given, err);
  } finally {
    file.close();
  }
}

/** Listing is not viewing: it records nothing, so it cannot unlock an edit. */
async function listDirectory(ctx: ToolContext, dir: ScopedFile, given: string): Promise<CallToolResult> {
  try {
    const readFrom = hasProcFd ? fdPath(dir.fd) : dir.path;
    return textResult(await dirTree(dir.path, { scope: ctx.scope, readFrom }));
  } catch (err) {
    throw ioError("listing", given, err);
  }
}

export function viewTool(config: ToolConfig): ToolDefinition {
  const edits = config.requireViewBeforeEdit
    ? " A file must be viewed (any range) in this session before str_replace can edit it or create_file can overwrite it; listing a directory does not count."
    : "";
  return defineTool({
    name: "view",
    description:
      "Read a file or list a directory. " +
      `A file is shown like \`cat -n\`: line number, a tab, the line. Without view_range at most the first ${DEFAULT_VIEW_LINES} lines are shown; ` +
      "pass view_range [start, end] (1-indexed, inclusive, end -1 = to the end) to read other parts of long files. " +
      `Lines longer than ${MAX_LINE_CHARS} characters are cut. ` +
      `Images (PNG, JPEG, GIF, WebP, BMP, SVG) up to ${formatSize(config.maxImageSize)} are returned as images; other binary files are reported, not shown. ` +
      `Files over ${formatSize(config.maxFileSize)} cannot be viewed. ` +
      "A directory is listed two levels deep (.git and node_modules are skipped; directories end in /, symlinks show their target)." +
      edits,
    inputSchema: viewSchema,
    annotations: { title: "View file or directory", readOnlyHint: true, openWorldHint: false },
    handler: (args, ctx) => viewPath(ctx, args),
  });
}
