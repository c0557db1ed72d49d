import { StringDecoder } from "node:string_decoder";

export type StreamName = "stdout" | "stderr";

export interface ProgressStreamOptions {
  /** Minimum spacing of notifications, ms: output arriving faster is accumulated. */
  readonly intervalMs: number;
  /** Most characters one notification carries; the newest lines are kept. Default 4096. */
  readonly maxChars?: number;
  /** Sends one notification; `progress` increases from one call to the next. */
  send(progress: number, message: string): Promise<void>;
  /** Applied to decoded stdout before it is queued (e.g. to drop the cwd sentinel). */
  readonly filterStdout?: { filter(text: string): string; flush(): string };
}

const UTF8_MAX_BYTES_PER_UNIT = 3;

/**
 * Streams a command's output as progress notifications, coalesced: at most one notification per
 * `intervalMs` however fast the command prints, each carrying what arrived since the previous
 * one (capped to the newest `maxChars` characters). Work per chunk is bounded by the cap, so a
 * flood of output costs no more than a trickle.
 */
export class ProgressStream {
  private readonly maxChars: number;
  private readonly decoders: Record<StreamName, StringDecoder> = {
    stdout: new StringDecoder("utf8"),
    stderr: new StringDecoder("utf8"),
  };
  private pending = "";
  /** Bytes of output seen so far: the progress value. */
  private bytes = 0;
  private lastProgress = 0;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: ProgressStreamOptions) {
    this.maxChars = options.maxChars ?? 4096;
  }

  push(stream: StreamName, chunk: Buffer): void {
    if (this.closed || chunk.length === 0) return;
    this.bytes += chunk.length;
    let bytes = chunk;
    const maxBytes = this.maxChars * UTF8_MAX_BYTES_PER_UNIT;
    if (bytes.length > maxBytes) {
      // Only the newest characters can be sent: decode just the end of the chunk, starting at a
      // character boundary, with a fresh decoder (whatever was pending before is dropped anyway).
      let start = bytes.length - maxBytes;
      while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
      bytes = bytes.subarray(start);
      this.decoders[stream] = new StringDecoder("utf8");
      this.pending = "";
    }
    let text = this.decoders[stream].write(bytes);
    if (stream === "stdout" && this.options.filterStdout) text = this.options.filterStdout.filter(text);
    this.queue(text);
  }

  /** Sends what is still pending (without waiting for the interval) and stops. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    let rest = this.decoders.stdout.end();
    if (this.options.filterStdout)
      rest = this.options.filterStdout.filter(rest) + this.options.filterStdout.flush();
    this.queue(rest + this.decoders.stderr.end(), false);
    this.closed = true;
    this.sendPending();
    await this.sending;
  }

  private queue(text: string, schedule = true): void {
    if (text.length === 0) return;
    this.pending += text;
    // Trim in batches (not on every chunk) so small chunks cost O(1) each.
    if (this.pending.length > 2 * this.maxChars) this.trim();
    if (schedule) this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastSentAt + this.options.intervalMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendPending();
    }, wait);
  }

  /** Keeps the newest `maxChars` characters, starting at a line boundary when there is one. */
  private trim(): void {
    if (this.pending.length <= this.maxChars) return;
    let text = this.pending.slice(this.pending.length - this.maxChars);
    const nl = text.indexOf("\n");
    if (nl !== -1 && nl < text.length - 1) text = text.slice(nl + 1);
    else if (/^[\uDC00-\uDFFF]/.test(text)) text = text.slice(1);
    this.pending = text;
  }

  private sendPending(): void {
    this.trim();
    if (this.pending.length === 0) return;
    const message = this.pending;
    // Must increase with every notification, also for text held back from an earlier chunk.
    const progress = Math.max(this.bytes, this.lastProgress + 1);
    this.lastProgress = progress;
    this.pending = "";
    this.lastSentAt = performance.now();
    // Chained so notifications go out in order even if a send is slow.
    this.sending = this.sending.then(() => this.options.send(progress, message)).catch(() => {});
  }
}
