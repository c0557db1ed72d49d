// Randomised tests print their seed, and take one back to replay a run.
import fc from "fast-check";

const INT32 = /^-?\d{1,10}$/;

/** The seed a property runs with: FUZZ_SEED when given (to replay a run), else a fresh one. */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.FUZZ_SEED;
  if (given === undefined || given === "") return (Date.now() ^ (Math.random() * 0x1_0000_0000)) | 0;
  const seed = Number(given);
  if (!INT32.test(given) || seed !== (seed | 0)) {
    throw new Error(
      `[INVALID_INPUT] FUZZ_SEED=${JSON.stringify(given)} is not a 32-bit integer: pass the seed a fuzz run printed`,
    );
  }
  return seed;
}

/** Runs per property: FUZZ_RUNS when given (a longer hunt), else `fallback`. */
export function fuzzRuns(fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const given = env.FUZZ_RUNS;
  if (given === undefined || given === "") return fallback;
  const runs = Number(given);
  if (!Number.isSafeInteger(runs) || runs < 1) {
    throw new Error(
      `[INVALID_INPUT] FUZZ_RUNS=${JSON.stringify(given)} is not a positive integer: pass e.g. FUZZ_RUNS=2000`,
    );
  }
  return runs;
}

/**
 * `fc.assert` with a seed printed before the first run (so even a run cut short by its deadline can
 * be replayed with FUZZ_SEED=<seed>); fast-check's own failure message gives the failing input.
 */
export async function assertProperty<Ts>(
  label: string,
  property: fc.IAsyncProperty<Ts>,
  numRuns: number,
): Promise<void> {
  const seed = fuzzSeed();
  console.log(`${label}: fast-check seed ${seed}, ${numRuns} runs (replay: FUZZ_SEED=${seed})`);
  // No shrinking: every run is several calls through a server, so shrinking a failure outlasts the
  // test's deadline and the counterexample never shows; the seed above replays it.
  await fc.assert(property, { seed, numRuns, endOnFailure: true });
}
