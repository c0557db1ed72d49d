import { isAscii } from "node:buffer";
import { StringDecoder } from "node:string_decoder";

/** Characters a result keeps per stream (SPEC §3.1). */
export const DEFAULT_OUTPUT_LIMIT = 30_000;

export interface OutputBufferOptions {
  /** Characters kept in all: half from the start, half from the end. Default DEFAULT_OUTPUT_LIMIT. */
  limit?: number;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Bounded head + tail text buffer. Whatever is appended, it holds at most `limit` characters (the
 * tail may briefly hold up to twice its share, trimmed in batches), so a command printing
 * gigabytes costs constant memory. Bytes are decoded as UTF-8 across chunk boundaries, and neither
 * cut splits a surrogate pair.
 *
 * A flood must not cost per-chunk garbage or copies of the whole tail: ASCII chunks (the usual
 * case for `yes`, logs, build output) past the head are not decoded at all but copied as bytes
 * into one reused buffer, decoded only when the text is read; text is trimmed in batches so that
 * many small appends do not each copy the tail.
 */
export class OutputBuffer {
  readonly limit: number;
  private readonly headLimit: number;
  /** What the head leaves of the limit (one more when the head stopped short of a surrogate pair). */
  private tailLimit: number;
  private head = "";
  /** The last `tailLimit` characters count; up to twice that many are held between trims. */
  private tail = "";
  /** ASCII bytes that follow `tail`; of the two, again only the last `tailLimit` characters count. */
  private raw: Buffer | undefined;
  private rawLength = 0;
  private lastView: Uint8Array | undefined;
  private headFull = false;
  private total = 0;
  private readonly decoder = new StringDecoder("utf8");

  constructor(options: OutputBufferOptions = {}) {
    this.limit = options.limit ?? DEFAULT_OUTPUT_LIMIT;
    this.headLimit = Math.ceil(this.limit / 2);
    this.tailLimit = this.limit - this.headLimit;
  }

  /** Appends raw bytes (decoded as UTF-8) or text. */
  append(chunk: Buffer | string): void {
    if (typeof chunk === "string") {
      this.appendText(chunk);
      return;
    }
    const headRoom = this.headFull ? 0 : this.headLimit - this.head.length;
    if (chunk.length >= headRoom && isAscii(chunk)) {
      this.appendAscii(chunk, headRoom);
      return;
    }
    this.appendText(this.decoder.write(chunk));
  }

  /** One byte is one character here. */
  private appendAscii(bytes: Buffer, headRoom: number): void {
    // ASCII cannot complete a pending partial UTF-8 sequence: it decodes to U+FFFD either way.
    const pending = this.decoder.end();
    if (pending) this.appendText(pending);
    let start = 0;
    if (!this.headFull) {
      start = Math.min(headRoom, this.headLimit - this.head.length);
      this.appendText(bytes.toString("latin1", 0, start));
    }
    const n = bytes.length - start;
    if (n === 0) return;
    if (n >= this.tailLimit) {
      this.total += n;
      this.tail = "";
      this.rawLength = 0;
      this.copyRaw(bytes, bytes.length - this.tailLimit);
    } else {
      this.total += n;
      this.copyRaw(bytes, start);
    }
  }

  /** Appends `bytes[from..]` (fewer than `tailLimit`, or exactly that many) to the raw tail. */
  private copyRaw(bytes: Buffer, from: number): void {
    const n = bytes.length - from;
    if (n <= 0) return;
    this.raw ??= Buffer.allocUnsafeSlow(2 * this.limit);
    if (this.rawLength + n > this.raw.length) {
      // Keep only what can still count; the buffer holds twice that, so trims are rare.
      const keep = Math.min(this.rawLength, this.tailLimit);
      this.raw.copyWithin(0, this.rawLength - keep, this.rawLength);
      this.rawLength = keep;
    }
    this.raw.set(from === 0 ? bytes : this.tailView(bytes, from), this.rawLength);
    this.rawLength += n;
  }

  /**
   * `bytes[from..]` as a view, the previous one when it is the same: a flood hands over the same
   * reused read buffer again and again, and a new view per chunk is garbage at ~30k chunks a second.
   */
  private tailView(bytes: Buffer, from: number): Uint8Array {
    const view = this.lastView;
    const offset = bytes.byteOffset + from;
    const length = bytes.length - from;
    if (view?.buffer === bytes.buffer && view.byteOffset === offset && view.length === length) return view;
    this.lastView = new Uint8Array(bytes.buffer, offset, length);
    return this.lastView;
  }

  private appendText(text: string): void {
    if (text.length === 0) return;
    this.materializeRaw();
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
      this.dropLoneLowSurrogate();
    } else {
      this.tail += rest;
      if (this.tail.length > 2 * this.tailLimit) this.trimTail();
    }
  }

  /** Turns the raw ASCII bytes into tail text. */
  private materializeRaw(): void {
    if (this.rawLength === 0 || !this.raw) return;
    const from = Math.max(0, this.rawLength - this.tailLimit);
    this.tail += this.raw.toString("latin1", from, this.rawLength);
    this.rawLength = 0;
    this.trimTail();
  }

  private trimTail(): void {
    if (this.tail.length > this.tailLimit) {
      this.tail = this.tail.slice(this.tail.length - this.tailLimit);
      this.dropLoneLowSurrogate();
    }
  }

  /** Nor start the tail with the second half of a surrogate pair. */
  private dropLoneLowSurrogate(): void {
    if (isLowSurrogate(this.tail.charCodeAt(0))) this.tail = this.tail.slice(1);
  }

  private tailText(): string {
    this.materializeRaw();
    this.trimTail();
    return this.tail;
  }

  /** Flushes a trailing partial UTF-8 sequence, if any. */
  end(): void {
    const rest = this.decoder.end();
    if (rest) this.appendText(rest);
  }

  /** Characters appended so far. */
  get totalLength(): number {
    return this.total;
  }

  /** Characters currently held (never more than `limit`). */
  get retainedLength(): number {
    return this.head.length + this.tailText().length;
  }

  /** Characters dropped between head and tail. */
  get omitted(): number {
    return this.total - this.retainedLength;
  }

  /** The text, with `[… N characters omitted …]` between head and tail when something was dropped. */
  toString(): string {
    const tail = this.tailText();
    const omitted = this.total - this.head.length - tail.length;
    if (omitted === 0) return this.head + tail;
    return `${this.head}\n[… ${omitted} characters omitted …]\n${tail}`;
  }
}
