import { Socket } from "node:net";
import type { Readable } from "node:stream";

/** Size of the one buffer each pipe is read into: what a pipe holds by default on Linux. */
const READ_BUFFER_BYTES = 64 * 1024;

interface StreamHandle {
  useUserBuffer?: (buffer: Uint8Array) => void;
}

/**
 * Reads a child's output pipe into ONE buffer, reused for every read, and hands each chunk to
 * `deliver` (valid only during the call: copy what you keep). Node's own reading allocates a fresh
 * 64 KB buffer per read, which V8 frees late: a `yes` reader grew the server by ~60 MB. Reusing one
 * buffer keeps a flood at a few MB and reads it about twice as fast.
 *
 * The reused buffer needs a socket created with `onread`, which only exists as a constructor option;
 * so the pipe handle that spawn() created is moved, in the same tick (before any read), from the
 * child's stdout socket to a new socket that owns it. Where that handle is not what this expects (a
 * future Node), the pipe is read the ordinary way.
 */
export class PipeReader {
  private readonly stream: Readable;
  private deliver: (chunk: Buffer) => void;
  private ended = false;
  private fresh = false;
  private readonly endWaiters = new Set<() => void>();

  constructor(source: Readable, deliver: (chunk: Buffer) => void) {
    this.deliver = deliver;
    this.stream = this.takeOver(source);
    // A destroyed pipe may still report an error; it changes nothing about what was read.
    this.stream.on("error", () => {});
    this.stream.once("end", () => this.finish());
    this.stream.once("close", () => this.finish());
  }

  private takeOver(source: Readable): Readable {
    const owner = source as unknown as { _handle?: StreamHandle | null };
    const handle = owner._handle;
    if (!(source instanceof Socket) || !handle || typeof handle.useUserBuffer !== "function") {
      source.on("data", (chunk: Buffer) => this.onChunk(chunk));
      return source;
    }
    owner._handle = null;
    source.destroy();
    const buffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
    return new Socket({
      handle,
      readable: true,
      writable: false,
      onread: { buffer, callback: (n: number) => void this.onChunk(buffer.subarray(0, n)) },
    } as ConstructorParameters<typeof Socket>[0]);
  }

  private onChunk(chunk: Buffer): void {
    this.fresh = true;
    this.deliver(chunk);
  }

  /** From now on chunks go to `deliver` (e.g. nowhere, to keep a pipe flowing that nobody reads). */
  redirect(deliver: (chunk: Buffer) => void): void {
    this.deliver = deliver;
  }

  /** Every writer closed the pipe (or it was destroyed). */
  get closed(): boolean {
    return this.ended;
  }

  /** Stops reading and closes our end: a process still writing gets EPIPE. */
  destroy(): void {
    this.stream.destroy();
    this.finish();
  }

  /** Resolves when the pipe is closed. */
  whenClosed(): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve) => this.endWaiters.add(resolve));
  }

  /**
   * Resolves when the pipe closes, or after `ms` once a turn of the event loop brings no more data;
   * for reading what a process wrote just before it exited. The deadline alone loses output on a
   * busy server: when the exit is noticed while the loop is busy (reaped together with another
   * child's, the pipe not polled yet), the timer can fire before the poll phase that reads the last
   * writes. So after the deadline, reading goes on while each turn (poll, then this check phase)
   * still brings data, up to a second `ms` (a child left running may write forever).
   */
  drained(ms: number): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      let settled = false;
      let giveUpAt = 0;
      const done = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.endWaiters.delete(done);
        resolve();
      };
      const nextTurn = () => {
        this.fresh = false;
        setImmediate(() => (this.fresh && performance.now() < giveUpAt ? nextTurn() : done()));
      };
      const timer = setTimeout(() => {
        giveUpAt = performance.now() + ms;
        nextTurn();
      }, ms);
      this.endWaiters.add(done);
    });
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    for (const waiter of this.endWaiters) waiter();
    this.endWaiters.clear();
  }
}
