// The text side of str_replace, done on the file's bytes (valid UTF-8 is checked once; matching
// UTF-8 bytes is matching characters, so the file is never decoded and re-encoded whole): matching
// old_str (CRLF-aware), applying the replacement, and the numbered snippet of the result.
import { isUtf8 } from "node:buffer";
import { ErrorCode, ToolError } from "../core/errors.js";
import { looksBinary, SNIFF_BYTES } from "./file-kind.js";
import { clipLine, numberLine } from "./text-format.js";

/** Unchanged lines shown above and below an edit in the confirmation. */
export const SNIPPET_CONTEXT_LINES = 4;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const LF = 0x0a;
const CR = 0x0d;

/** A text file as edited: its UTF-8 body, and whether a BOM was set aside (written back as is). */
export interface DecodedText {
  readonly bom: boolean;
  readonly body: Buffer;
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
  // Editing invalid UTF-8 as text would replace invalid sequences everywhere in the file.
  if (!isUtf8(body)) {
    throw new ToolError(
      ErrorCode.INVALID_INPUT,
      `${given} is not valid UTF-8 text; editing it as text would corrupt other bytes. Change it with bash instead.`,
    );
  }
  return { bom, body };
}

export function encodeText(decoded: DecodedText): Buffer {
  return decoded.bom ? Buffer.concat([UTF8_BOM, decoded.body]) : decoded.body;
}

export function countOccurrences(hay: Buffer, needle: Buffer): number {
  return occurrences(hay, needle).count;
}

function occurrences(hay: Buffer, needle: Buffer): { count: number; first: number } {
  if (needle.length === 0) return { count: 0, first: -1 };
  const first = hay.indexOf(needle);
  let count = 0;
  for (let i = first; i !== -1; i = hay.indexOf(needle, i + needle.length)) count++;
  return { count, first };
}

const toCrlf = (s: string): string => s.replace(/\r?\n/g, "\r\n");
const toLf = (s: string): string => s.replace(/\r\n/g, "\n");
/** A lone surrogate cannot occur in valid UTF-8 text (and would encode as U+FFFD). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What to replace with what, as found in the file (UTF-8), how often and first where it occurs. */
export interface MatchPlan {
  readonly old: Buffer;
  readonly new: Buffer;
  readonly count: number;
  /** Byte offset of the first occurrence (-1 when there is none). */
  readonly first: number;
}

/**
 * The (old, new) pair to apply. In a CRLF file the model's `\n` means `\r\n`, both in what it
 * searches for and in what it writes; a file with mixed endings is matched as written first.
 */
export function matchPlan(body: Buffer, oldStr: string, newStr: string): MatchPlan {
  // Most files have no CR at all: then there are no line endings to count.
  const crlfCount = body.includes(CR) ? countOccurrences(body, Buffer.from("\r\n")) : 0;
  const lfOnly = crlfCount > 0 ? countOccurrences(body, Buffer.from("\n")) - crlfCount : 0;
  const crlfFile = crlfCount > 0 && crlfCount >= lfOnly;
  const candidates: [string, string][] = crlfFile
    ? [
        [toCrlf(oldStr), toCrlf(newStr)],
        [oldStr, toCrlf(newStr)],
      ]
    : [[oldStr, newStr]];
  if (!crlfFile && crlfCount > 0) candidates.push([toCrlf(oldStr), toCrlf(newStr)]);
  if (!crlfFile && oldStr.includes("\r\n")) candidates.push([toLf(oldStr), toLf(newStr)]);
  if (!LONE_SURROGATE.test(oldStr)) {
    for (const [o, n] of candidates) {
      const old = Buffer.from(o, "utf8");
      const { count, first } = occurrences(body, old);
      if (count > 0) return { old, new: Buffer.from(n, "utf8"), count, first };
    }
  }
  return { old: Buffer.from(oldStr, "utf8"), new: Buffer.from(newStr, "utf8"), count: 0, first: -1 };
}

/** A replacement applied: the new file as consecutive pieces, and what the snippet needs. */
export interface AppliedEdit {
  /** The new content (BOM included) in order; written as they are, never joined into one buffer. */
  readonly pieces: readonly Buffer[];
  readonly size: number;
  /** The part of the new body the snippet is cut from, the line number of its first byte and
   * the offset in it where the (first) replacement starts. */
  readonly window: Buffer;
  readonly windowFirstLine: number;
  readonly at: number;
}

/** Where line `count` lines after the one holding `from` ends (after its newline), or the end. */
function endOfLines(body: Buffer, from: number, count: number): number {
  let pos = from;
  for (let i = 0; i < count; i++) {
    const newline = body.indexOf(LF, pos);
    if (newline === -1) return body.length;
    pos = newline + 1;
  }
  return pos;
}

export function applyPlan(decoded: DecodedText, plan: MatchPlan, replaceAll: boolean): AppliedEdit {
  const { body } = decoded;
  const head = decoded.bom ? [UTF8_BOM] : [];
  const at = plan.first;
  const firstLine = lineOf(body, at);
  const from = Math.max(1, firstLine - SNIPPET_CONTEXT_LINES);
  const start = startOfLine(body, at, firstLine - from);
  if (!replaceAll) {
    const after = at + plan.old.length;
    const pieces = [...head, body.subarray(0, at), plan.new, body.subarray(after)];
    // The snippet needs the replacement's last line and the context lines below it.
    const end = endOfLines(body, after, SNIPPET_CONTEXT_LINES + 1);
    return {
      pieces,
      size: body.length - plan.old.length + plan.new.length + head.length * UTF8_BOM.length,
      window: Buffer.concat([body.subarray(start, at), plan.new, body.subarray(after, end)]),
      windowFirstLine: from,
      at: at - start,
    };
  }
  const parts: Buffer[] = [];
  let next = 0;
  for (let i = at; i !== -1; i = body.indexOf(plan.old, next)) {
    parts.push(body.subarray(next, i), plan.new);
    next = i + plan.old.length;
  }
  parts.push(body.subarray(next));
  const edited = Buffer.concat(parts);
  return {
    pieces: [...head, edited],
    size: edited.length + head.length * UTF8_BOM.length,
    window: edited.subarray(start),
    windowFirstLine: from,
    at: at - start,
  };
}

/** The offset where the line `back` lines above the one holding byte `at` starts. */
function startOfLine(text: Buffer, at: number, back: number): number {
  let start = at === 0 ? 0 : text.lastIndexOf(LF, at - 1) + 1;
  for (let n = 0; n < back; n++) {
    const newline = start - 1;
    start = newline === 0 ? 0 : text.lastIndexOf(LF, newline - 1) + 1;
  }
  return start;
}

/** 1-based number of the line holding byte `index`. */
function lineOf(text: Buffer, index: number): number {
  let line = 1;
  for (let i = text.indexOf(LF); i !== -1 && i < index; i = text.indexOf(LF, i + 1)) line++;
  return line;
}

/**
 * The edited region plus a few lines either side, numbered like `cat -n`. Only those lines are
 * cut out and decoded (a line is what `split("\n")` gives, without a trailing empty one).
 */
export function editSnippet(
  edited: Buffer,
  at: number,
  replacement: Buffer,
  /** Line number of the first byte of `edited` (a window cut out of the file). */
  baseLine = 1,
): { body: string; from: number; to: number } {
  const firstLine = lineOf(edited, at) + baseLine - 1;
  // A replacement ending in a newline ends on the line before the one that follows it.
  const newLines =
    countOccurrences(replacement, Buffer.from("\n")) - (replacement[replacement.length - 1] === LF ? 1 : 0);
  const lastLine = firstLine + Math.max(newLines, 0);
  const from = Math.max(baseLine, firstLine - SNIPPET_CONTEXT_LINES);
  const start = startOfLine(edited, at, firstLine - from);
  const out: string[] = [];
  let n = from;
  for (let pos = start; n <= lastLine + SNIPPET_CONTEXT_LINES; n++) {
    const newline = edited.indexOf(LF, pos);
    if (newline === -1 && pos === edited.length && edited.length > 0) break;
    let end = newline === -1 ? edited.length : newline;
    if (end > pos && edited[end - 1] === CR) end--;
    out.push(numberLine(n, clipLine(edited.toString("utf8", pos, end))));
    if (newline === -1) {
      n++;
      break;
    }
    pos = newline + 1;
  }
  return { body: out.join("\n"), from, to: n - 1 };
}
