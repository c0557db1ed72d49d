const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * The lines of a `pnpm test` log that say what failed: turbo's `Failed:` summary, vitest's `FAIL`
 * and `×` lines (each prefixed by turbo with `<package>:<task>:`), the conformance run's
 * `UNEXPECTED` / `STALE` / `SERVER:` findings, and pnpm errors. Duplicates are dropped and at most
 * `max` lines returned, so a failing run reads as the few tests that failed.
 * @param {string} log
 * @param {number} [max]
 * @returns {string[]}
 */
export function failureLines(log, max = 30) {
  const found = new Set();
  for (const raw of log.replace(ANSI, "").split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (
      /^\s*Failed:\s/.test(line) ||
      /\s(FAIL|×)\s/.test(line) ||
      /\s(UNEXPECTED|STALE BASELINE ENTRY|SERVER:)\s/.test(line) ||
      /ERR_PNPM_|Unexpected end of JSON input/.test(line)
    ) {
      found.add(line.trim());
    }
  }
  return [...found].slice(0, max);
}
