import type { Readable } from "node:stream";
import { readIntoReusedBuffer } from "./reused-buffer.js";

/**
 * Reads a child's output pipe into one reused buffer (see reused-buffer.ts) and hands each chunk to
 * `deliver` (valid only during the call: copy what you keep); knows when the pipe is closed and
 * drains it after the child's exit.
 */
export class PipeReader {
  private readonly stream: Readable;
  private deliver: (chunk: Buffer) => void;
  private ended = false;
  private fresh = false;
  private readonly endWaiters = new Set<() => void>();

  constructor(source: Readable, deliver: (chunk: Buffer) => void) {
    this.deliver = deliver;
    this.stream = readIntoReusedBuffer(source, (chunk) => this.onChunk(chunk));
    // A destroyed pipe may still report an error; it changes nothing about what was read.
    this.stream.on("error", () => {});
    this.stream.once("end", () => this.finish());
    this.stream.once("close", () => this.finish());
  }

  private onChunk(chunk: Buffer): void {
    this.fresh = true;
    this.deliver(chunk);
  }

  /** From now on chunks go to `deliver` (e.g. nowhere, to keep a pipe flowing that nobody reads). */
  redirect(deliver: (chunk: Buffer) => void): void {
    this.deliver = deliver;
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
