import type { Readable } from "node:stream";

/**
 * Resolves when `stream` ends, or after `ms` once a turn of the event loop brings no more data;
 * for reading what a process wrote just before it exited. The deadline alone loses output on a
 * busy server: when the exit is noticed while the loop is busy (reaped together with another
 * child's, the pipe not polled yet), the timer can fire before the poll phase that reads the last
 * writes. So after the deadline, reading goes on while each turn (poll, then this check phase)
 * still brings data, up to a second `ms` (a child left running may write forever).
 */
export function drained(stream: Readable, ms: number): Promise<void> {
  if (stream.readableEnded || stream.closed || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let settled = false;
    let fresh = false;
    let giveUpAt = 0;
    const onData = () => {
      fresh = true;
    };
    const timer = setTimeout(() => {
      giveUpAt = performance.now() + ms;
      nextTurn();
    }, ms);
    function nextTurn() {
      fresh = false;
      setImmediate(() => (fresh && performance.now() < giveUpAt ? nextTurn() : done()));
    }
    function done() {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stream.off("data", onData);
      stream.off("end", done);
      stream.off("close", done);
      resolve();
    }
    stream.on("data", onData);
    stream.once("end", done);
    stream.once("close", done);
  });
}
