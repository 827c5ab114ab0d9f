/**
 * Reads by key in shared batches, never older than the call: each caller gets its key's answer
 * from a `readMany` started after it called. Calls that arrive while a batch waits to be sent join
 * it; calls that arrive while one is in flight wait for it to end and make up the next, so under
 * load one statement answers many callers, and each still sees every write committed before it
 * called. A failed batch fails its callers only.
 */
export function freshBatch<K, V>(
  readMany: (keys: K[]) => Promise<Map<K, V>>,
): (key: K) => Promise<V | undefined> {
  let inFlight: Promise<unknown> | undefined;
  let next: { keys: Set<K>; answer: Promise<Map<K, V>> } | undefined;

  function send(keys: Set<K>): Promise<Map<K, V>> {
    next = undefined;
    const started = readMany([...keys]);
    inFlight = started;
    const clear = () => {
      if (inFlight === started) inFlight = undefined;
    };
    started.then(clear, clear);
    return started;
  }

  return function read(key: K): Promise<V | undefined> {
    if (!next) {
      const keys = new Set<K>();
      // Sent at the end of this turn (its callers share it), or once the batch in flight ends.
      const waitFor = inFlight?.then(() => {}, () => {}) ?? new Promise<void>(queueMicrotask);
      next = { keys, answer: waitFor.then(() => send(keys)) };
    }
    next.keys.add(key);
    return next.answer.then((found) => found.get(key));
  };
}
