import type { FileHandle } from "node:fs/promises";

/** First buffer for a file whose size is not known (size 0 under /proc). */
const UNKNOWN_SIZE_START = 64 * 1024;

/**
 * Reads from the start of `handle` until end of file or `max` bytes, whichever comes first: never
 * more than `max`, even from a file that keeps growing or a /proc file that reports size 0.
 * `expected` is the size fstat gave: a regular file that holds still is read with one call (a read
 * that stops short at exactly the expected size is its end); with 0 it reads until a read returns
 * nothing, as /proc files need.
 */
export async function readUpTo(handle: FileHandle, max: number, expected: number): Promise<Buffer> {
  const first = expected > 0 ? expected + 1 : UNKNOWN_SIZE_START;
  let buf = Buffer.allocUnsafe(Math.max(1, Math.min(max, first)));
  let length = 0;
  for (;;) {
    if (length === buf.length) {
      if (length >= max) break;
      const bigger = Buffer.allocUnsafe(Math.min(max, buf.length * 2));
      buf.copy(bigger, 0, 0, length);
      buf = bigger;
    }
    const wanted = buf.length - length;
    const { bytesRead } = await handle.read(buf, length, wanted, length);
    if (bytesRead === 0) break;
    length += bytesRead;
    if (bytesRead < wanted && expected > 0 && length === expected) break;
  }
  return buf.subarray(0, length);
}
