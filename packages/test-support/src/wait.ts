// Polling for a state the OS or a server reaches on its own. The timeouts are deadlines after which a
// test gives up, never claims about how fast something happens.
import { setTimeout as sleep } from "node:timers/promises";

async function poll(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/** Polls `cond` every 10 ms until it holds (true) or `timeoutMs` passes (false): for `expect(…).toBe(true)`. */
export function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  return poll(cond, timeoutMs, 10);
}

/**
 * Polls `check` (which may ask a server, hence async and every 50 ms) until it holds; throws naming
 * `what` after `timeoutMs`.
 */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  if (!(await poll(check, timeoutMs, 50))) {
    throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
  }
}
