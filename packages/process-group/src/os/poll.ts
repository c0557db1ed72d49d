import { setTimeout as sleep } from "node:timers/promises";

/**
 * Asks `done` until it says true (resolves true) or `timeoutMs` pass (resolves false), at growing
 * intervals: 1 ms at first for the usual quick exit, at most 50 ms so that a long wait costs little.
 */
export async function pollUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  for (;;) {
    if (done()) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 50);
  }
}
