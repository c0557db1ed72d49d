/** One complete line of input, or the trace of a line that was too long to keep. */
export type LineEvent =
  | { readonly kind: "line"; readonly text: string }
  | {
      readonly kind: "too-long";
      /** The whole line's length, bytes (the newline excluded). */
      readonly bytes: number;
      /** Its first and last bytes, enough to find the request id. */
      readonly head: string;
      readonly tail: string;
    };

/** Bytes kept of each end of a line that is too long. */
const EDGE_BYTES = 4096;
const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines of at most `maxLineBytes`. A line is joined once, when its
 * newline arrives (no re-copying per chunk); a longer one is not kept at all: only its length and
 * its two ends survive, so a huge line costs `maxLineBytes` of memory at most.
 */
export class LineSplitter {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Set while the current line is over the limit: its head, and a window of its last bytes. */
  private overflow: { head: Buffer; tail: Buffer } | undefined;

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      this.append(chunk.subarray(start, nl));
      const event = this.finishLine();
      if (event) events.push(event);
      start = nl + 1;
    }
    if (start < chunk.length) this.append(chunk.subarray(start));
    return events;
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    this.size += part.length;
    if (this.overflow) {
      this.overflow.tail = lastBytes([this.overflow.tail, part]);
      return;
    }
    this.chunks.push(part);
    if (this.size > this.maxLineBytes) {
      const all = Buffer.concat(this.chunks);
      this.overflow = { head: Buffer.from(all.subarray(0, EDGE_BYTES)), tail: lastBytes([all]) };
      this.chunks = [];
    }
  }

  private finishLine(): LineEvent | undefined {
    const { overflow, size } = this;
    const chunks = this.chunks;
    this.chunks = [];
    this.size = 0;
    this.overflow = undefined;
    if (overflow) {
      return {
        kind: "too-long",
        bytes: size,
        head: overflow.head.toString("utf8"),
        tail: overflow.tail.toString("utf8"),
      };
    }
    const text = Buffer.concat(chunks, size).toString("utf8").replace(/\r$/, "");
    return text.trim() === "" ? undefined : { kind: "line", text };
  }
}

function lastBytes(parts: Buffer[]): Buffer {
  const joined = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return Buffer.from(joined.subarray(Math.max(0, joined.length - EDGE_BYTES)));
}
