// The text side of str_replace: decoding a file for editing, matching old_str (CRLF-aware),
// applying the replacement and the numbered snippet of the result.
import { isUtf8 } from "node:buffer";
import { ErrorCode, ToolError } from "../core/errors.js";
import { looksBinary, SNIFF_BYTES } from "./file-kind.js";
import { clipLine, numberLine } from "./text-format.js";

/** Unchanged lines shown above and below an edit in the confirmation. */
export const SNIPPET_CONTEXT_LINES = 4;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A text file as edited: the UTF-8 BOM is kept aside and written back untouched. */
export interface DecodedText {
  readonly bom: boolean;
  readonly text: string;
}

export function decodeText(raw: Buffer, given: string): DecodedText {
  if (looksBinary(raw.subarray(0, SNIFF_BYTES))) {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      `${given} is a binary file; str_replace edits text files only. Change it with bash if you must.`,
    );
  }
  const bom = raw.subarray(0, 3).equals(UTF8_BOM);
  const body = bom ? raw.subarray(3) : raw;
  // Writing back decoded text would replace invalid sequences everywhere in the file.
  if (!isUtf8(body)) {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      `${given} is not valid UTF-8 text; editing it as text would corrupt other bytes. Change it with bash instead.`,
    );
  }
  return { bom, text: body.toString("utf8") };
}

export function encodeText(decoded: DecodedText): Buffer {
  const body = Buffer.from(decoded.text, "utf8");
  return decoded.bom ? Buffer.concat([UTF8_BOM, body]) : body;
}

export function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) count++;
  return count;
}

const toCrlf = (s: string): string => s.replace(/\r?\n/g, "\r\n");
const toLf = (s: string): string => s.replace(/\r\n/g, "\n");

/** What to replace with what, as found in the file, and how often it occurs. */
export interface MatchPlan {
  readonly old: string;
  readonly new: string;
  readonly count: number;
}

/**
 * The (old, new) pair to apply. In a CRLF file the model's `\n` means `\r\n`, both in what it
 * searches for and in what it writes; a file with mixed endings is matched as written first.
 */
export function matchPlan(text: string, oldStr: string, newStr: string): MatchPlan {
  // Most files have no CR at all: then there are no line endings to count.
  const crlfCount = text.includes("\r") ? countOccurrences(text, "\r\n") : 0;
  const lfOnly = crlfCount > 0 ? countOccurrences(text, "\n") - crlfCount : 0;
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

/** The text after the replacement, and where the (first) replacement starts. */
export function applyPlan(
  text: string,
  plan: MatchPlan,
  replaceAll: boolean,
): { edited: string; at: number } {
  const at = text.indexOf(plan.old);
  const edited = replaceAll
    ? text.split(plan.old).join(plan.new)
    : text.slice(0, at) + plan.new + text.slice(at + plan.old.length);
  return { edited, at };
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/**
 * The edited region plus a few lines either side, numbered like `cat -n`. Only those lines are
 * cut out of the text (a line is what `split("\n")` gives, without a trailing empty one).
 */
export function editSnippet(
  edited: string,
  at: number,
  replacement: string,
): { body: string; from: number; to: number } {
  const firstLine = lineOf(edited, at);
  // A replacement ending in a newline ends on the line before the one that follows it.
  const newLines = countOccurrences(replacement, "\n") - (replacement.endsWith("\n") ? 1 : 0);
  const lastLine = firstLine + Math.max(newLines, 0);
  const from = Math.max(1, firstLine - SNIPPET_CONTEXT_LINES);
  let start = at === 0 ? 0 : edited.lastIndexOf("\n", at - 1) + 1;
  for (let n = firstLine; n > from; n--) {
    const newline = start - 1;
    start = newline === 0 ? 0 : edited.lastIndexOf("\n", newline - 1) + 1;
  }
  const out: string[] = [];
  let n = from;
  for (let pos = start; n <= lastLine + SNIPPET_CONTEXT_LINES; n++) {
    const newline = edited.indexOf("\n", pos);
    if (newline === -1 && pos === edited.length && edited.length > 0) break;
    const end = newline === -1 ? edited.length : newline;
    out.push(numberLine(n, clipLine(edited.slice(pos, end).replace(/\r$/, ""))));
    if (newline === -1) {
      n++;
      break;
    }
    pos = newline + 1;
  }
  return { body: out.join("\n"), from, to: n - 1 };
}
