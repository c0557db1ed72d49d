/**
 * The baseline: which conformance checks are known not to pass, with the status they end in and why.
 * A check is named `<scenario>/<check id>` (the `id` field of the suite's checks.json).
 *
 * @typedef {{ id: string, name?: string, description?: string, status: string, errorMessage?: string }} Check
 * @typedef {{ status: "FAILURE" | "WARNING", reason: string }} Expectation
 * @typedef {Map<string, Expectation>} Baseline
 * @typedef {{ scenario: string, checks: Check[] } | { scenario: string, error: string }} ScenarioOutcome
 * @typedef {{ key: string, status: string, message: string }} Finding
 * @typedef {{ passed: number, expected: Finding[], unexpected: Finding[], stale: Finding[] }} Comparison
 */

/** Statuses that count as "not passing": each must be in the baseline. SUCCESS, INFO and SKIPPED do not. */
export const NOT_PASSING = new Set(["FAILURE", "WARNING"]);

/**
 * Parses and validates the baseline file's text; throws with the offending entry on any mistake, so a
 * typo cannot silently turn an expected failure into an unexpected one (or hide a real one).
 * @param {string} text
 * @param {string} [file] named in error messages
 * @returns {Baseline}
 */
export function parseBaseline(text, file = "expected-failures.json") {
  /** @type {unknown} */
  let data;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${/** @type {Error} */ (err).message})`);
  }
  const expected = isRecord(data) ? data.expected : undefined;
  if (!isRecord(expected)) {
    throw new Error(`${file}: expected an object {"expected": {"<scenario>/<check id>": {status, reason}}}`);
  }
  /** @type {Baseline} */
  const baseline = new Map();
  for (const [key, entry] of Object.entries(expected)) {
    if (!/^[a-z0-9-]+\/[A-Za-z0-9_.$-]+$/.test(key)) {
      throw new Error(`${file}: key "${key}" must be "<scenario>/<check id>", e.g. "ping/ping"`);
    }
    if (!isRecord(entry) || (entry.status !== "FAILURE" && entry.status !== "WARNING")) {
      throw new Error(`${file}: "${key}".status must be "FAILURE" or "WARNING"`);
    }
    if (typeof entry.reason !== "string" || entry.reason.trim().length < 10) {
      throw new Error(`${file}: "${key}".reason must say why the check does not pass`);
    }
    baseline.set(key, { status: entry.status, reason: entry.reason });
  }
  return baseline;
}

/**
 * Compares what the suite reported with the baseline.
 * - unexpected: a check that does not pass and is not in the baseline, or ends in another status than
 *   the baseline says (a WARNING turning into a FAILURE is a regression), or a scenario that did not
 *   complete at all;
 * - stale: a baseline entry whose check now passes, is no longer reported, or whose scenario is no
 *   longer run; keeping it would let the failure come back unnoticed;
 * - expected: a check that ends exactly as the baseline says.
 * Entries of a scenario that did not complete are neither: that scenario is already unexpected.
 * @param {ScenarioOutcome[]} outcomes
 * @param {Baseline} baseline
 * @returns {Comparison}
 */
export function compare(outcomes, baseline) {
  /** @type {Comparison} */
  const result = { passed: 0, expected: [], unexpected: [], stale: [] };
  /** @type {Map<string, Set<string>>} statuses seen per check key */
  const seen = new Map();
  const errored = new Set();
  const ran = new Set();

  for (const outcome of outcomes) {
    ran.add(outcome.scenario);
    if ("error" in outcome) {
      errored.add(outcome.scenario);
      result.unexpected.push({ key: outcome.scenario, status: "ERROR", message: outcome.error });
      continue;
    }
    for (const check of outcome.checks) {
      const key = `${outcome.scenario}/${check.id}`;
      const statuses = seen.get(key) ?? new Set();
      statuses.add(check.status);
      seen.set(key, statuses);
      if (check.status === "SUCCESS") result.passed++;
      if (!NOT_PASSING.has(check.status)) continue;
      const message = check.errorMessage ?? check.description ?? check.name ?? "";
      const expectation = baseline.get(key);
      if (expectation?.status === check.status) {
        result.expected.push({ key, status: check.status, message: expectation.reason });
      } else if (expectation) {
        result.unexpected.push({
          key,
          status: check.status,
          message: `baseline expects ${expectation.status}; ${message}`,
        });
      } else {
        result.unexpected.push({ key, status: check.status, message });
      }
    }
  }

  for (const key of baseline.keys()) {
    const scenario = key.slice(0, key.indexOf("/"));
    if (errored.has(scenario)) continue;
    const statuses = seen.get(key);
    if (!ran.has(scenario)) {
      result.stale.push({ key, status: "NOT RUN", message: `scenario ${scenario} is not run any more` });
    } else if (!statuses) {
      result.stale.push({ key, status: "ABSENT", message: "the suite no longer reports this check" });
    } else if (![...statuses].some((s) => NOT_PASSING.has(s))) {
      result.stale.push({ key, status: [...statuses].join("+"), message: "now passes: remove the entry" });
    }
  }
  return result;
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
