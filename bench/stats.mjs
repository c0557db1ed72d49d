// Timing helpers. Subjects are measured interleaved (one run of each, in turn), so load from
// elsewhere on a busy box hits every subject alike and a ratio of two medians stays meaningful.

/** The p-th percentile (nearest rank) of `values`; undefined for none. */
export function percentile(values, p) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values) => percentile(values, 50);

/** Milliseconds `fn` takes, and what it returned. */
export async function timed(fn) {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/**
 * The subjects of round `round` in turn, the order rotated by one each round: a subject that leaves
 * work behind (unflushed writes, garbage, a busy page cache) would otherwise always slow down the
 * same next one.
 */
export function roundOrder(names, round) {
  const shift = names.length === 0 ? 0 : round % names.length;
  return [...names.slice(shift), ...names.slice(0, shift)];
}

/**
 * Runs every subject `runs` times, interleaved (each round in roundOrder), after `warmup`
 * unrecorded rounds. `subjects` maps a name to an async function; a subject that is undefined is
 * skipped. `settleMs` (untimed) passes before each run: work a subject does after it answered (a
 * server forking its next helper process) then lands in its own time instead of the next
 * subject's. Returns name → { times, last } (`last` is the value of the final run, for sanity
 * checks such as result counts).
 */
export async function interleave(subjects, { runs, warmup = 1, settleMs = 0 }) {
  const names = Object.keys(subjects).filter((name) => subjects[name]);
  const out = Object.fromEntries(names.map((name) => [name, { times: [], last: undefined }]));
  for (let round = 0; round < warmup + runs; round++) {
    for (const name of roundOrder(names, round)) {
      if (settleMs > 0) await sleep(settleMs);
      const { ms, value } = await timed(subjects[name]);
      if (round >= warmup) out[name].times.push(ms);
      out[name].last = value;
    }
  }
  return out;
}

/** Resolves after `ms`. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `cond` every `everyMs` until it holds; rejects with `what` after `timeoutMs`. */
export async function waitFor(cond, { timeoutMs = 10_000, everyMs = 10, what = "a condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
