import { StringDecoder } from "node:string_decoder";

export interface OutputBufferOptions {
  /** Characters kept in all: half from the start, half from the end. Default 30000. */
  limit?: number;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Bounded head + tail text buffer. Whatever is appended, it holds at most `limit` characters, so
 * a command printing gigabytes costs constant memory. Bytes are decoded as UTF-8 across chunk
 * boundaries, and neither cut splits a surrogate pair.
 */
export class OutputBuffer {
  readonly limit: number;
  private readonly headLimit: number;
  /** What the head leaves of the limit (one more when the head stopped short of a surrogate pair). */
  private tailLimit: number;
  private head = "";
  private tail = "";
  private headFull = false;
  private total = 0;
  private readonly decoder = new StringDecoder("utf8");

  constructor(options: OutputBufferOptions = {}) {
    this.limit = options.limit ?? 30_000;
    this.headLimit = Math.ceil(this.limit / 2);
    this.tailLimit = this.limit - this.headLimit;
  }

  /** Appends raw bytes (decoded as UTF-8) or text. */
  append(chunk: Buffer | string): void {
    const text = typeof chunk === "string" ? chunk : this.decoder.write(chunk);
    if (text.length === 0) return;
    this.total += text.length;
    let rest = text;
    if (!this.headFull) {
      let room = this.headLimit - this.head.length;
      if (rest.length < room) {
        this.head += rest;
        return;
      }
      // Never end the head between the two halves of a surrogate pair (an emoji, say).
      if (room > 0 && isHighSurrogate(rest.charCodeAt(room - 1))) room--;
      this.head += rest.slice(0, room);
      this.headFull = true;
      this.tailLimit = this.limit - this.head.length;
      rest = rest.slice(room);
      if (rest.length === 0) return;
    }
    if (rest.length >= this.tailLimit) {
      this.tail = rest.slice(rest.length - this.tailLimit);
    } else {
      const keep = this.tailLimit - rest.length;
      this.tail = (this.tail.length > keep ? this.tail.slice(this.tail.length - keep) : this.tail) + rest;
    }
    // Nor start the tail with the second half of one.
    if (isLowSurrogate(this.tail.charCodeAt(0))) this.tail = this.tail.slice(1);
  }

  /** Flushes a trailing partial UTF-8 sequence, if any. */
  end(): void {
    const rest = this.decoder.end();
    if (rest) this.append(rest);
  }

  /** Characters appended so far. */
  get totalLength(): number {
    return this.total;
  }

  /** Characters currently held (never more than `limit`). */
  get retainedLength(): number {
    return this.head.length + this.tail.length;
  }

  /** Characters dropped between head and tail. */
  get omitted(): number {
    return this.total - this.retainedLength;
  }

  /** The text, with `[… N characters omitted …]` between head and tail when something was dropped. */
  toString(): string {
    const omitted = this.omitted;
    if (omitted === 0) return this.head + this.tail;
    return `${this.head}\n[… ${omitted} characters omitted …]\n${this.tail}`;
  }
}
