import { readFd } from "../scope/fd-io.js";
import { MAX_LINE_CHARS } from "./text-format.js";

const NEWLINE = 0x0a;
const CR = 0x0d;
/**
 * One read per MiB: every read is a round trip through the libuv thread pool, and with 64 KiB reads
 * those round trips cost twice the scan itself on a 10 MB file. A MiB is still a fixed, small buffer.
 */
const CHUNK_BYTES = 1024 * 1024;

/** A read buffer no call is using: successive reads reuse one MiB instead of leaving garbage. */
let spare: Buffer | undefined;
/** Bytes kept of a wanted line: 4 per code point covers MAX_LINE_CHARS of any script. */
const KEPT_LINE_BYTES = MAX_LINE_CHARS * 4 + 192;

export interface LineWindowOptions {
  /** First wanted line, 1-based. */
  readonly first: number;
  /** Last wanted line (inclusive); Infinity = to the end. */
  readonly last: number;
  /** Keep counting lines after `last` so `totalLines` is known (newlines only, no strings built). */
  readonly countAll: boolean;
  readonly signal?: AbortSignal;
  /** Bytes read at most (from the start): a file growing while it is read is read up to this. */
  readonly maxBytes?: number;
  /** For tests: read granularity. */
  readonly chunkBytes?: number;
}

export interface LineWindow {
  /** The wanted lines that exist: without line terminators, a leading BOM or a trailing CR; over-long ones clipped. */
  readonly lines: string[];
  /** Lines in the file, when the read reached its end or `maxBytes` (always with `countAll`). */
  readonly totalLines: number | undefined;
  /** The read stopped at `maxBytes` rather than at the end of the file (there may be more). */
  readonly cutAtMaxBytes: boolean;
}

/**
 * Streams a file and keeps only the wanted lines, so a window near the end of a large file costs
 * one pass with a fixed buffer rather than the whole file in memory. A file's line count is the
 * number of newlines, plus one for a last line without a newline (as `wc -l` would, plus that line).
 */
export async function readLineWindow(fd: number, options: LineWindowOptions): Promise<LineWindow> {
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const buf = spare && spare.length === chunkBytes ? spare : Buffer.allocUnsafe(chunkBytes);
  if (buf === spare) spare = undefined;
  try {
    return await scanLines(fd, buf, options);
  } finally {
    if (chunkBytes === CHUNK_BYTES) spare = buf;
  }
}

async function scanLines(fd: number, buf: Buffer, options: LineWindowOptions): Promise<LineWindow> {
  const { first, last, countAll, signal } = options;
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const chunkBytes = buf.length;
  const lines: string[] = [];

  let lineNo = 1;
  let lineHasBytes = false;
  // State of the current line while it is wanted.
  let parts: Buffer[] = [];
  let kept = 0;
  let overflowChars = 0;
  let lastByte = -1;

  const finishLine = (): void => {
    let bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, kept);
    let extra = overflowChars;
    if (lastByte === CR) {
      if (extra > 0) extra -= 1;
      else bytes = bytes.subarray(0, bytes.length - 1);
    }
    let text = bytes.toString("utf8");
    if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (extra === 0 && text.length <= MAX_LINE_CHARS) {
      lines.push(text);
    } else {
      const chars = Array.from(text);
      const total = chars.length + extra;
      lines.push(
        total <= MAX_LINE_CHARS
          ? text
          : `${chars.slice(0, MAX_LINE_CHARS).join("")}... [truncated, ${total} chars total]`,
      );
    }
    parts = [];
    kept = 0;
    overflowChars = 0;
    lastByte = -1;
  };

  const take = (chunk: Buffer, from: number, to: number): void => {
    if (to <= from) return;
    lastByte = chunk[to - 1] as number;
    const room = KEPT_LINE_BYTES - kept;
    const keepTo = Math.min(to, from + Math.max(room, 0));
    if (keepTo > from) {
      // Copy: the read buffer is reused for the next chunk.
      parts.push(Buffer.from(chunk.subarray(from, keepTo)));
      kept += keepTo - from;
    }
    // Beyond the kept prefix only the length matters: count code points by their lead bytes.
    for (let i = keepTo; i < to; i++) {
      if (((chunk[i] as number) & 0xc0) !== 0x80) overflowChars++;
    }
  };

  let position = 0;
  let done = false;
  let cutAtMaxBytes = false;
  while (!done) {
    if (signal?.aborted) throw signal.reason ?? new Error("aborted");
    if (position >= maxBytes) {
      cutAtMaxBytes = true;
      break;
    }
    const bytesRead = await readFd(fd, buf, 0, Math.min(chunkBytes, maxBytes - position), position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const chunk = buf.subarray(0, bytesRead);
    let i = 0;
    while (i < bytesRead) {
      const nl = chunk.indexOf(NEWLINE, i);
      const end = nl === -1 ? bytesRead : nl;
      const wanted = lineNo >= first && lineNo <= last;
      if (wanted) take(chunk, i, end);
      if (nl === -1) {
        lineHasBytes = true;
        break;
      }
      if (wanted) finishLine();
      lineNo++;
      lineHasBytes = false;
      i = nl + 1;
      if (lineNo > last && !countAll) {
        done = true;
        break;
      }
    }
  }
  if (done) return { lines, totalLines: undefined, cutAtMaxBytes };
  if (lineHasBytes) {
    if (lineNo >= first && lineNo <= last) finishLine();
    return { lines, totalLines: lineNo, cutAtMaxBytes };
  }
  return { lines, totalLines: lineNo - 1, cutAtMaxBytes };
}
