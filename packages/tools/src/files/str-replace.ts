import type { Stats } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { ErrorCode, ioError, ToolError, textResult } from "../core/errors.js";
import { noteFileWritten } from "../core/file-writes.js";
import type { ToolConfig } from "../core/tool-config.js";
import { defineTool, type ToolContext, type ToolDefinition } from "../core/tool-registry.js";
import { atomicWrite } from "./atomic-write.js";
import {
  assertOpen,
  checkViewed,
  clipLine,
  type FileToolNames,
  formatSize,
  numberLine,
  recordViewed,
  resolveInScope,
  STANDARD_NAMES,
  tooLarge,
} from "./file-common.js";
import { looksBinary, SNIFF_BYTES } from "./file-kind.js";
import { withPathLock } from "./path-lock.js";
import { pathField } from "./view.js";

/** Unchanged lines shown above and below an edit in the confirmation. */
export const SNIPPET_CONTEXT_LINES = 4;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const strReplaceSchema = z.object({
  path: pathField,
  old_str: z
    .string()
    .min(1)
    .describe(
      "Exact text to replace, including whitespace and indentation; must occur exactly once unless replace_all.",
    ),
  new_str: z.string().default("").describe('Replacement text; "" deletes old_str.'),
  replace_all: z
    .boolean()
    .default(false)
    .describe("Replace every occurrence instead of requiring exactly one."),
});

export interface StrReplaceArgs {
  readonly path: string;
  readonly old_str: string;
  readonly new_str: string;
  readonly replace_all: boolean;
}

/** A text file as edited: the UTF-8 BOM is kept aside and written back untouched. */
interface DecodedText {
  readonly bom: boolean;
  readonly text: string;
}

function decodeText(raw: Buffer, given: string): DecodedText {
  if (looksBinary(raw.subarray(0, SNIFF_BYTES))) {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      `${given} is a binary file; str_replace edits text files only. Change it with bash if you must.`,
    );
  }
  const bom = raw.subarray(0, 3).equals(UTF8_BOM);
  const body = bom ? raw.subarray(3) : raw;
  const text = body.toString("utf8");
  // Writing back decoded text would replace invalid sequences everywhere in the file.
  if (Buffer.byteLength(text) !== body.length || !Buffer.from(text, "utf8").equals(body)) {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      `${given} is not valid UTF-8 text; editing it as text would corrupt other bytes. Change it with bash instead.`,
    );
  }
  return { bom, text };
}

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) count++;
  return count;
}

const toCrlf = (s: string): string => s.replace(/\r?\n/g, "\r\n");
const toLf = (s: string): string => s.replace(/\r\n/g, "\n");

/**
 * The (old, new) pair to apply. In a CRLF file the model's `\n` means `\r\n`, both in what it
 * searches for and in what it writes; a file with mixed endings is matched as written first.
 */
function matchPlan(
  text: string,
  oldStr: string,
  newStr: string,
): { old: string; new: string; count: number } {
  const crlfCount = countOccurrences(text, "\r\n");
  const lfOnly = countOccurrences(text, "\n") - crlfCount;
  const crlfFile = crlfCount > 0 && crlfCount >= lfOnly;
  const candidates: [string, string][] = crlfFile
    ? [
        [toCrlf(oldStr), toCrlf(newStr)],
        [oldStr, toCrlf(newStr)],
      ]
    : [[oldStr, newStr]];
  if (!crlfFile && crlfCount > 0) candidates.push([toCrlf(oldStr), toCrlf(newStr)]);
  if (!crlfFile && oldStr.includes("\r\n")) candidates.push([toLf(oldStr), toLf(newStr)]);
  for (const [o, n] of candidates) {
    const count = countOccurrences(text, o);
    if (count > 0) return { old: o, new: n, count };
  }
  return { old: oldStr, new: newStr, count: 0 };
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** The edited region plus a few lines either side, numbered like `cat -n`. */
function snippet(
  text: string,
  firstLine: number,
  lastLine: number,
): { body: string; from: number; to: number } {
  const lines = text.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  const from = Math.max(1, firstLine - SNIPPET_CONTEXT_LINES);
  const to = Math.min(lines.length, lastLine + SNIPPET_CONTEXT_LINES);
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    out.push(numberLine(n, clipLine((lines[n - 1] ?? "").replace(/\r$/, ""))));
  }
  return { body: out.join("\n"), from, to };
}

/** Shared by `str_replace` and `str_replace_editor` (command "str_replace"). */
export async function strReplace(
  ctx: ToolContext,
  names: FileToolNames,
  args: StrReplaceArgs,
): Promise<CallToolResult> {
  assertOpen(ctx.session);
  const given = args.path;
  if (args.old_str === "") {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      "old_str is empty; pass the exact text to replace (to write a whole file, use create_file).",
    );
  }
  if (args.old_str === args.new_str) {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      "old_str and new_str are identical, so there is nothing to change.",
    );
  }
  const canonical = await resolveInScope(ctx, given);
  return withPathLock(ctx.session, canonical, async () => {
    let st: Stats;
    try {
      st = await stat(canonical);
    } catch (err) {
      if ((err as NodeJS.ErrnoException)?.code === "ENOENT") {
        throw new ToolError(
          ErrorCode.PATH_NOT_FOUND,
          `${given} does not exist. Check the path (relative paths resolve against the current working directory), or use create_file to create a new file.`,
        );
      }
      throw ioError("stat", given, err);
    }
    if (st.isDirectory()) {
      throw new ToolError(ErrorCode.INVALID_INPUT, `${given} is a directory; str_replace edits a file.`);
    }
    if (!st.isFile()) {
      throw new ToolError(
        ErrorCode.IO_ERROR,
        `${given} is not a regular file; str_replace edits regular files only.`,
      );
    }
    const limit = ctx.config.maxFileSize;
    if (st.size > limit) throw tooLarge(given, st.size, limit, "Edit it with bash (e.g. sed) instead.");
    checkViewed(ctx, names, canonical, given, st, "edit");

    let raw: Buffer;
    try {
      raw = await readFile(canonical);
    } catch (err) {
      throw ioError("read", given, err);
    }
    const { bom, text } = decodeText(raw, given);
    const plan = matchPlan(text, args.old_str, args.new_str);
    if (plan.count === 0) {
      throw new ToolError(
        ErrorCode.STR_REPLACE_NOT_FOUND,
        `old_str was not found in ${given}. It must match the file exactly, including whitespace, indentation and line breaks; view the file and copy the text from it.`,
      );
    }
    if (plan.count > 1 && !args.replace_all) {
      throw new ToolError(
        ErrorCode.STR_REPLACE_AMBIGUOUS,
        `old_str occurs ${plan.count} times in ${given}. Add surrounding lines to old_str so it matches exactly one place, or pass replace_all: true to replace all ${plan.count}.`,
      );
    }
    const at = text.indexOf(plan.old);
    const edited = args.replace_all
      ? text.split(plan.old).join(plan.new)
      : text.slice(0, at) + plan.new + text.slice(at + plan.old.length);
    const bytes = bom ? Buffer.concat([UTF8_BOM, Buffer.from(edited, "utf8")]) : Buffer.from(edited, "utf8");
    if (bytes.length > limit) {
      throw tooLarge(`the edited ${given}`, bytes.length, limit, "Make a smaller change, or split the file.");
    }
    try {
      const written = await atomicWrite(canonical, bytes, { mode: st.mode, uid: st.uid, gid: st.gid });
      // What this session wrote counts as seen: the next edit needs no new view.
      recordViewed(ctx.session, canonical, written.stats);
      noteFileWritten(ctx.config);
    } catch (err) {
      throw ioError("write", given, err);
    }

    const firstLine = lineOf(edited, at);
    // A replacement ending in a newline ends on the line before the one that follows it.
    const newLines = countOccurrences(plan.new, "\n") - (plan.new.endsWith("\n") ? 1 : 0);
    const lastLine = firstLine + Math.max(newLines, 0);
    const shown = snippet(edited, firstLine, lastLine);
    const what = args.replace_all
      ? `replaced ${plan.count} occurrence${plan.count === 1 ? "" : "s"}`
      : "replaced 1 occurrence";
    const where = args.replace_all && plan.count > 1 ? " (around the first replacement)" : "";
    return textResult(
      `Edited ${given}: ${what} (now ${formatSize(bytes.length)}). Lines ${shown.from}-${shown.to}${where}:\n${shown.body}`,
    );
  });
}

export function strReplaceTool(config: ToolConfig): ToolDefinition {
  const rule = config.requireViewBeforeEdit
    ? " The file must have been viewed (or written) in this session and not changed on disk since; otherwise view it first."
    : "";
  return defineTool({
    name: "str_replace",
    description:
      "Edit a text file by replacing an exact string. old_str must match the file exactly (whitespace and indentation included) " +
      "and occur exactly once; include enough surrounding lines to make it unique, or set replace_all to replace every occurrence. " +
      'new_str "" deletes the text. The result shows the edited lines with their numbers. ' +
      "Line endings (CRLF files accept \\n in old_str/new_str), a UTF-8 BOM and the file mode are preserved; the write is atomic." +
      rule,
    inputSchema: strReplaceSchema,
    annotations: {
      title: "Replace text in a file",
      readOnlyHint: false,
      destructiveHint: true,
      openWorldHint: false,
    },
    handler: (args, ctx) => strReplace(ctx, STANDARD_NAMES, args),
  });
}
