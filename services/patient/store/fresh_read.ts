/**
 * A read shared by every caller that asks while it waits to be sent, and never older than the
 * call: each caller gets the answer of a `read` started after it called. Calls that arrive while
 * a read is in flight wait for it to end and share the next one, so under load one read serves
 * many callers, and a caller still sees every write committed before it called (the in-flight
 * read may have taken its snapshot before that).
 */
export function freshRead<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<unknown> | undefined;
  let next: Promise<T> | undefined;

  function send(): Promise<T> {
    const started = read();
    inFlight = started;
    const clear = () => {
      if (inFlight === started) inFlight = undefined;
    };
    started.then(clear, clear);
    return started;
  }

  return function fresh(): Promise<T> {
    if (next) return next;
    // Not sent before the next turn of the event loop: callers of this turn share it; with a
    // read in flight, after that read ends (whatever its outcome).
    const waitFor = inFlight?.then(() => {}, () => {}) ?? new Promise<void>(queueMicrotask);
    const shared = waitFor.then(() => {
      next = undefined;
      return send();
    });
    next = shared;
    return shared;
  };
}
