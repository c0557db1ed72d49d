import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ErrorCode, ToolError, textResult } from "../core/errors.js";
import type { ToolContext } from "../core/tool-registry.js";
import { readFd } from "../scope/fd-io.js";
import type { ScopedFile } from "../scope/scoped-open.js";
import { readUpTo } from "./bounded-read.js";
import { imageMimeType, looksBinary, SNIFF_BYTES } from "./file-kind.js";
import { readLineWindow } from "./line-reader.js";
import { imageTooLarge } from "./size-limits.js";
import { formatSize, numberLine } from "./text-format.js";
import type { ViewRange } from "./tool-fields.js";
import { recordViewed } from "./view-before-edit.js";

/** Lines shown when no view_range is given. */
export const DEFAULT_VIEW_LINES = 2000;

/**
 * Shows a regular file opened (and size-checked) by view: text as `cat -n`, an image as image
 * content, a binary file as a one-line description. Everything is read from the descriptor that was
 * checked, and never more than the size check allowed: the size fstat gave, or, for a file that
 * reports size 0 (/proc), --max-file-size.
 */
export async function viewOpenFile(
  ctx: ToolContext,
  file: ScopedFile,
  given: string,
  range: ViewRange | undefined,
): Promise<CallToolResult> {
  const { fd, path: canonical, stats: st } = file;
  const budget = st.size > 0 ? st.size : ctx.config.maxFileSize;
  const head = Buffer.alloc(Math.min(SNIFF_BYTES, budget));
  const bytesRead = await readFd(fd, head, 0, head.length, 0);
  if (bytesRead === 0) {
    recordViewed(ctx.session, canonical, st);
    return textResult(`${given} is empty (0 bytes).`);
  }
  const sniffed = head.subarray(0, bytesRead);

  const mimeType = imageMimeType(sniffed, canonical);
  if (mimeType) return viewImage(ctx, file, given, mimeType);
  if (looksBinary(sniffed)) {
    recordViewed(ctx.session, canonical, st);
    return textResult(
      `Binary file (${formatSize(st.size)}): ${given}. Its contents are not shown; inspect it with bash (file, xxd) if needed.`,
    );
  }

  const signal = ctx.signal;
  if (range === undefined) {
    const window = await readLineWindow(fd, {
      first: 1,
      last: DEFAULT_VIEW_LINES,
      countAll: true,
      signal,
      maxBytes: budget,
    });
    const totalLines = window.totalLines ?? 0;
    recordViewed(ctx.session, canonical, st);
    let text = window.lines.map((line, i) => numberLine(i + 1, line)).join("\n");
    if (totalLines > DEFAULT_VIEW_LINES) {
      text += `\n\nTruncated: file has ${totalLines} lines. Use view_range to read specific sections.`;
    }
    return textResult(text + (await cutNote(ctx, fd, window.cutAtMaxBytes, budget, st.size, given)));
  }

  const { start, end } = range;
  const badRange = async (): Promise<ToolError> => {
    const { totalLines = 0 } = await readLineWindow(fd, {
      first: Number.POSITIVE_INFINITY,
      last: 0,
      countAll: true,
      signal,
      maxBytes: budget,
    });
    return new ToolError(
      ErrorCode.INVALID_INPUT,
      `invalid view_range [${start}, ${end}]: ${given} has ${totalLines} line${totalLines === 1 ? "" : "s"}, so start must be between 1 and ${totalLines} and end must be at least start, or -1 for the end of the file. Example: [1, ${Math.min(totalLines, 100)}].`,
    );
  };
  if (start < 1 || end < -1 || (end !== -1 && end < start)) throw await badRange();
  const last = end === -1 ? Number.POSITIVE_INFINITY : end;
  const window = await readLineWindow(fd, {
    first: start,
    last,
    countAll: false,
    signal,
    maxBytes: budget,
  });
  // No lines: start lies beyond the end of the file.
  if (window.lines.length === 0) throw await badRange();
  recordViewed(ctx.session, canonical, st);
  const text = window.lines.map((line, i) => numberLine(start + i, line)).join("\n");
  return textResult(text + (await cutNote(ctx, fd, window.cutAtMaxBytes, budget, st.size, given)));
}

async function viewImage(
  ctx: ToolContext,
  file: ScopedFile,
  given: string,
  mimeType: string,
): Promise<CallToolResult> {
  const { fd, stats: st } = file;
  const limit = ctx.config.maxImageSize;
  if (st.size > limit) throw imageTooLarge(given, st.size, limit);
  const data = st.size > 0 ? await readUpTo(fd, st.size, st.size) : await readUpTo(fd, limit + 1, 0);
  if (data.length > limit) throw imageTooLarge(given, data.length, limit);
  recordViewed(ctx.session, file.path, st);
  return {
    content: [
      { type: "text", text: `Image ${given} (${mimeType}, ${formatSize(data.length)})` },
      { type: "image", data: data.toString("base64"), mimeType },
    ],
  };
}

/**
 * When a read stopped at its budget with more bytes behind it, says so: a file that grew while it
 * was read (shown as it was when the read began), or a size-0 file cut at --max-file-size.
 */
async function cutNote(
  ctx: ToolContext,
  fd: number,
  cut: boolean,
  budget: number,
  size: number,
  given: string,
): Promise<string> {
  if (!cut) return "";
  const bytesRead = await readFd(fd, Buffer.alloc(1), 0, 1, budget);
  if (bytesRead === 0) return "";
  return size > 0
    ? `\n\n[${given} was still growing while it was read: shown up to ${formatSize(budget)}, its size when the read began. View it again for more.]`
    : `\n\n[${given} reports no size and holds more than the ${formatSize(ctx.config.maxFileSize)} limit (--max-file-size): cut there. Read the rest with bash.]`;
}
