/**
 * Spare processes are made one per event-loop turn, in the order they were asked for.
 *
 * spawn() blocks the event loop for the whole fork and exec (11–13 ms for a 100–150 MB server on a
 * busy 2-core box). Every command's result asks for the next spare, and under load many results
 * come in one turn: their spawns, made back to back, held the loop for a hundred ms and more while
 * other sessions' requests waited (and Node accepts at most one new connection per turn). One spawn
 * per turn lets the poll phase between two spawns read requests, answer them and accept the next
 * connection; in `pnpm bench`'s HTTP load, later bash and view calls got faster (p50 117 → 97 and
 * 205 → 145 ms over nine runs each). A command that comes before its spare is made starts through
 * the entry wrapper, as without a spare.
 */
const waiting = new Set<() => void>();
let scheduled = false;

function makeNext(): void {
  scheduled = false;
  const [job] = waiting;
  if (!job) return;
  waiting.delete(job);
  if (waiting.size > 0) schedule();
  job();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // An immediate queued while immediates run waits for the next turn, after its poll phase.
  setImmediate(makeNext);
}

/** Runs `job` in a later event-loop turn, one job per turn; returns a function that cancels it. */
export function queueSpare(job: () => void): () => void {
  waiting.add(job);
  schedule();
  return () => {
    waiting.delete(job);
  };
}
