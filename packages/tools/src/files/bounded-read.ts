import { readFd } from "../scope/fd-io.js";

/** First buffer for a file whose size is not known (size 0 under /proc). */
const UNKNOWN_SIZE_START = 64 * 1024;

/**
 * Reads from the start of `fd` until end of file or `max` bytes, whichever comes first: never
 * more than `max`, even from a file that keeps growing or a /proc file that reports size 0.
 * `expected` is the size fstat gave: a regular file that holds still is read with one call (a read
 * that stops short at exactly the expected size is its end); with 0 it reads until a read returns
 * nothing, as /proc files need. `into` (see takeReadBuffer) is filled first when it is big enough.
 */
export async function readUpTo(fd: number, max: number, expected: number, into?: Buffer): Promise<Buffer> {
  const first = expected > 0 ? expected + 1 : UNKNOWN_SIZE_START;
  let buf =
    into !== undefined && into.length >= Math.min(max, first)
      ? into
      : Buffer.allocUnsafe(Math.max(1, Math.min(max, first)));
  let length = 0;
  for (;;) {
    if (length === buf.length) {
      if (length >= max) break;
      const bigger = Buffer.allocUnsafe(Math.min(max, buf.length * 2));
      buf.copy(bigger, 0, 0, length);
      buf = bigger;
    }
    const wanted = Math.min(buf.length, max) - length;
    const bytesRead = await readFd(fd, buf, length, wanted, length);
    if (bytesRead === 0) break;
    length += bytesRead;
    if (bytesRead < wanted && expected > 0 && length === expected) break;
  }
  return buf.subarray(0, length);
}

/** Files up to this size are read into a kept buffer; bigger ones get their own. */
const KEPT_BUFFER_MAX = 1024 * 1024;
/** Kept buffers grow in these steps, so files of similar sizes share one. */
const KEPT_BUFFER_STEP = 64 * 1024;

/**
 * One read buffer kept between edits. A fresh 100 KB buffer per edit is memory outside V8's heap
 * that it reclaims only with a full collection, and those collections cost more than the edit.
 */
let spareBuffer: Buffer | undefined;

/** A buffer of at least `size` bytes for one edit's read, or undefined for a big file. */
export function takeReadBuffer(size: number): Buffer | undefined {
  if (spareBuffer !== undefined && spareBuffer.length >= size) {
    const buf = spareBuffer;
    spareBuffer = undefined;
    return buf;
  }
  if (size > KEPT_BUFFER_MAX) return undefined;
  return Buffer.allocUnsafe(Math.ceil(size / KEPT_BUFFER_STEP) * KEPT_BUFFER_STEP);
}

/** Returns a buffer from `takeReadBuffer` once nothing refers to its bytes any more. */
export function giveBackReadBuffer(buf: Buffer | undefined): void {
  if (buf !== undefined && buf.length <= KEPT_BUFFER_MAX && (spareBuffer?.length ?? 0) < buf.length) {
    spareBuffer = buf;
  }
}
