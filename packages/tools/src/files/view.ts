import { type FileHandle, open, stat } from "node:fs/promises";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { ErrorCode, ioError, ToolError, textResult } from "../core/errors.js";
import type { ToolConfig } from "../core/tool-config.js";
import { defineTool, type ToolContext, type ToolDefinition } from "../core/tool-registry.js";
import { dirTree } from "./dir-tree.js";
import {
  assertOpen,
  formatSize,
  MAX_LINE_CHARS,
  numberLine,
  recordViewed,
  resolveInScope,
  tooLarge,
} from "./file-common.js";
import { imageMimeType, looksBinary, SNIFF_BYTES } from "./file-kind.js";
import { readLineWindow } from "./line-reader.js";

/** Lines shown when no view_range is given. */
export const DEFAULT_VIEW_LINES = 2000;

export const pathField = z
  .string()
  .min(1)
  .describe("File or directory path; relative paths resolve against the session's working directory.");

export const viewRangeField = z
  .array(z.number().int())
  .optional()
  .describe("[start, end] line numbers, 1-indexed and inclusive; end -1 reads to the end of the file.");

const viewSchema = z.object({ path: pathField, view_range: viewRangeField });

/** Shared by `view` and `str_replace_editor` (command "view"). */
export async function viewPath(
  ctx: ToolContext,
  given: string,
  range: readonly number[] | undefined,
): Promise<CallToolResult> {
  assertOpen(ctx.session);
  if (range !== undefined && range.length !== 2) {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      `view_range must be two integers [start, end], got ${JSON.stringify(range)}. Example: [10, 40], or [10, -1] to read from line 10 to the end.`,
    );
  }
  const canonical = await resolveInScope(ctx, given);
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(canonical);
  } catch (err) {
    throw ioError("view", given, err);
  }
  if (st.isDirectory()) {
    // Listing is not viewing: it records nothing, so it cannot unlock an edit.
    try {
      const scope = ctx.config.pathScope;
      return textResult(await dirTree(canonical, { include: (p) => scope.isAllowed(p) }));
    } catch (err) {
      throw ioError("listing", given, err);
    }
  }
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
  let fh: FileHandle;
  try {
    fh = await open(canonical, "r");
  } catch (err) {
    throw ioError("open", given, err);
  }
  try {
    return await viewOpenFile(ctx, fh, canonical, given, range);
  } catch (err) {
    if (err instanceof ToolError || ctx.signal.aborted) throw err;
    throw ioError("read", given, err);
  } finally {
    await fh.close().catch(() => {});
  }
}

async function viewOpenFile(
  ctx: ToolContext,
  fh: FileHandle,
  canonical: string,
  given: string,
  range: readonly number[] | undefined,
): Promise<CallToolResult> {
  // Sizes and mtime from the descriptor we read, so the viewed record matches what was shown.
  const st = await fh.stat();
  if (st.size > ctx.config.maxFileSize) {
    throw tooLarge(given, st.size, ctx.config.maxFileSize, "Search it with grep instead.");
  }
  if (st.size === 0) {
    recordViewed(ctx.session, canonical, st);
    return textResult(`${given} is empty (0 bytes).`);
  }
  const head = Buffer.alloc(Math.min(SNIFF_BYTES, st.size));
  const { bytesRead } = await fh.read(head, 0, head.length, 0);
  const sniffed = head.subarray(0, bytesRead);

  const mimeType = imageMimeType(sniffed, canonical);
  if (mimeType) {
    const data = await fh.readFile();
    recordViewed(ctx.session, canonical, st);
    return {
      content: [
        { type: "text", text: `Image ${given} (${mimeType}, ${formatSize(data.length)})` },
        { type: "image", data: data.toString("base64"), mimeType },
      ],
    };
  }
  if (looksBinary(sniffed)) {
    recordViewed(ctx.session, canonical, st);
    return textResult(
      `Binary file (${formatSize(st.size)}): ${given}. Its contents are not shown; inspect it with bash (file, xxd) if needed.`,
    );
  }

  const signal = ctx.signal;
  if (range === undefined) {
    const { lines, totalLines = 0 } = await readLineWindow(fh, {
      first: 1,
      last: DEFAULT_VIEW_LINES,
      countAll: true,
      signal,
    });
    recordViewed(ctx.session, canonical, st);
    let text = lines.map((line, i) => numberLine(i + 1, line)).join("\n");
    if (totalLines > DEFAULT_VIEW_LINES) {
      text += `\n\nTruncated: file has ${totalLines} lines. Use view_range to read specific sections.`;
    }
    return textResult(text);
  }

  const [start, end] = range as [number, number];
  const badRange = async (): Promise<ToolError> => {
    const { totalLines = 0 } = await readLineWindow(fh, {
      first: Number.POSITIVE_INFINITY,
      last: 0,
      countAll: true,
      signal,
    });
    return new ToolError(
      ErrorCode.INVALID_INPUT,
      `invalid view_range [${start}, ${end}]: ${given} has ${totalLines} line${totalLines === 1 ? "" : "s"}, so start must be between 1 and ${totalLines} and end must be at least start, or -1 for the end of the file. Example: [1, ${Math.min(totalLines, 100)}].`,
    );
  };
  if (start < 1 || end < -1 || (end !== -1 && end < start)) throw await badRange();
  const last = end === -1 ? Number.POSITIVE_INFINITY : end;
  const { lines } = await readLineWindow(fh, { first: start, last, countAll: false, signal });
  // No lines: start lies beyond the end of the file.
  if (lines.length === 0) throw await badRange();
  recordViewed(ctx.session, canonical, st);
  return textResult(lines.map((line, i) => numberLine(start + i, line)).join("\n"));
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
      "Images (PNG, JPEG, GIF, WebP, BMP, SVG) are returned as images; other binary files are reported, not shown. " +
      `Files over ${formatSize(config.maxFileSize)} cannot be viewed. ` +
      "A directory is listed two levels deep (.git and node_modules are skipped; directories end in /, symlinks show their target)." +
      edits,
    inputSchema: viewSchema,
    annotations: { title: "View file or directory", readOnlyHint: true, openWorldHint: false },
    handler: (args, ctx) => viewPath(ctx, args.path, args.view_range),
  });
}
