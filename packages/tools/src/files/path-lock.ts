/** Per owner (a session), per path: the tail of the queue of operations on that path. */
const queues = new WeakMap<object, Map<string, Promise<void>>>();

/**
 * Runs `fn` after every earlier `withPathLock(owner, key, …)` call has settled, so two edits of
 * one file in one session cannot both read the old content and lose one update. Different paths
 * and different sessions do not wait for each other.
 */
export function withPathLock<T>(owner: object, key: string, fn: () => Promise<T>): Promise<T> {
  let byPath = queues.get(owner);
  if (!byPath) {
    byPath = new Map();
    queues.set(owner, byPath);
  }
  const previous = byPath.get(key) ?? Promise.resolve();
  const run = previous.then(fn);
  const tail = run.then(
    () => {},
    () => {},
  );
  byPath.set(key, tail);
  const map = byPath;
  void tail.then(() => {
    // Forget the path once its queue is empty, so the map does not grow with every file touched.
    if (map.get(key) === tail) map.delete(key);
  });
  return run;
}
