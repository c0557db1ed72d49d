/** Per real path: the tail of the queue of edits of that file, for the whole server (every session). */
const queues = new Map<string, Promise<void>>();

/**
 * Runs `fn` after every earlier `withPathLock(key, …)` call has settled. The key is a file's real
 * path and the queue is process-wide, so two edits of one file — from one session or from two
 * sessions of one HTTP server — cannot both read the old content and lose an update. Different
 * files do not wait for each other.
 */
export function withPathLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(fn);
  const tail = run.then(
    () => {},
    () => {},
  );
  queues.set(key, tail);
  void tail.then(() => {
    // Forget the path once its queue is empty, so the map does not grow with every file touched.
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}
