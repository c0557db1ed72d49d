/** Characters of a grep or glob result before it is cut with a note (SPEC §3.6, §3.7). */
export const SEARCH_OUTPUT_LIMIT = 30_000;
/**
 * SEARCH_OUTPUT_LIMIT as the notes write it ("30,000"), with the digits grouped by hand:
 * `toLocaleString` loads ICU's locale data, ~6 MB of a server's resident memory, for one comma.
 */
export const SEARCH_OUTPUT_LIMIT_TEXT = String(SEARCH_OUTPUT_LIMIT).replace(/\B(?=(\d{3})+$)/g, ",");

const NL = 0x0a;

/** Receives one complete line, without its `\n`. Returns true once nothing more is needed. */
export type LineSink = (buf: Buffer, start: number, end: number) => boolean;

/**
 * Splits a byte stream into lines without decoding it. A line longer than `maxLineBytes` keeps only
 * its first `maxLineBytes` bytes (nobody downstream needs more: the output is capped anyway), so a
 * 100 MB minified line costs no more memory than a short one.
 */
export class LineSplitter {
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private readonly maxLineBytes: number;
  private readonly sink: LineSink;
  private readonly delimiter: number;

  /** `delimiter`: the byte ending a line (`\n`, or NUL for rg's `--null` path lists). */
  constructor(sink: LineSink, maxLineBytes: number, delimiter = NL) {
    this.sink = sink;
    this.maxLineBytes = maxLineBytes;
    this.delimiter = delimiter;
  }

  /** Feeds a chunk; true once the sink wants nothing more. */
  push(chunk: Buffer): boolean {
    let start = 0;
    let nl = chunk.indexOf(this.delimiter, 0);
    if (this.carryBytes > 0 && nl !== -1) {
      this.keep(chunk, 0, nl);
      const line = this.takeCarry();
      if (this.sink(line, 0, line.length)) return true;
      start = nl + 1;
      nl = chunk.indexOf(this.delimiter, start);
    }
    while (nl !== -1) {
      const end = nl - start > this.maxLineBytes ? start + this.maxLineBytes : nl;
      if (this.sink(chunk, start, end)) return true;
      start = nl + 1;
      nl = chunk.indexOf(this.delimiter, start);
    }
    if (start < chunk.length) this.keep(chunk, start, chunk.length);
    return false;
  }

  /** Delivers a last line that had no `\n`; true once the sink wants nothing more. */
  end(): boolean {
    if (this.carryBytes === 0) return false;
    const line = this.takeCarry();
    return this.sink(line, 0, line.length);
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    const room = this.maxLineBytes - this.carryBytes;
    if (room <= 0) return;
    const piece = chunk.subarray(start, Math.min(end, start + room));
    // A copy: the chunk's memory is pooled and reused by the stream.
    this.carry.push(Buffer.from(piece));
    this.carryBytes += piece.length;
  }

  private takeCarry(): Buffer {
    const line =
      this.carry.length === 1 ? (this.carry[0] as Buffer) : Buffer.concat(this.carry, this.carryBytes);
    this.carry = [];
    this.carryBytes = 0;
    return line;
  }
}

export interface PageOptions {
  /** Output lines/entries skipped first. */
  readonly offset: number;
  /** Lines/entries kept after the offset; 0 = no limit. */
  readonly headLimit: number;
  /** Characters kept before the result is cut with a note. */
  readonly maxChars: number;
}

/**
 * Applies `offset`, then `head_limit`, then the character cap to output lines as they stream by.
 * Only kept lines are decoded; the rest are just counted.
 */
export class LinePager {
  /** Lines offered so far (the offset ones included). */
  seen = 0;
  /** Kept lines. */
  readonly lines: string[] = [];
  /** Characters of `lines` joined with `\n`. */
  chars = 0;
  /** Set when the character cap cut the output (a line did not fit, or was cut itself). */
  cut = false;
  /** Set when the one kept line was longer than the cap and only its start is kept. */
  cutInsideLine = false;
  private readonly opts: PageOptions;
  private readonly stopAt: number;

  constructor(opts: PageOptions) {
    this.opts = opts;
    this.stopAt = opts.headLimit > 0 ? opts.offset + opts.headLimit : Number.POSITIVE_INFINITY;
  }

  /** Lines skipped before the first kept one. */
  get offset(): number {
    return this.opts.offset;
  }

  /**
   * Takes lines before `index` (at most the offset) as already offered and skipped, so offering
   * can start at line `index` of the output.
   */
  skipTo(index: number): void {
    if (index > this.seen && index <= this.opts.offset) this.seen = index;
  }

  /** Whether more lines could still be kept. */
  get full(): boolean {
    return this.cut || this.seen >= this.stopAt;
  }

  /** Offers one line; true once nothing more is needed. */
  push(buf: Buffer, start: number, end: number): boolean {
    if (this.full) return true;
    const index = this.seen++;
    if (index < this.opts.offset) return false;
    return this.keep(buf.toString("utf8", start, end));
  }

  /** Offers one already decoded line; true once nothing more is needed. */
  pushString(line: string): boolean {
    if (this.full) return true;
    const index = this.seen++;
    if (index < this.opts.offset) return false;
    return this.keep(line);
  }

  private keep(line: string): boolean {
    const extra = this.lines.length === 0 ? line.length : line.length + 1;
    if (this.chars + extra > this.opts.maxChars) {
      this.cut = true;
      if (this.lines.length === 0) {
        this.lines.push(line.slice(0, this.opts.maxChars));
        this.chars = this.opts.maxChars;
        this.cutInsideLine = true;
      } else {
        // The line that did not fit is not shown: the next page starts with it.
        this.seen--;
      }
      return true;
    }
    this.lines.push(line);
    this.chars += extra;
    return this.seen >= this.stopAt;
  }

  /** Number of the first kept line (1-based), for notes. */
  get firstShown(): number {
    return this.opts.offset + 1;
  }

  /** Number of the last kept line (1-based). */
  get lastShown(): number {
    return this.opts.offset + this.lines.length;
  }

  text(): string {
    return this.lines.join("\n");
  }
}
