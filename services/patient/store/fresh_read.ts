import { freshBatch } from "./fresh_batch.ts";

/**
 * A read shared by every caller that asks while it waits to be sent, and never older than the
 * call: each caller gets the answer of a `read` started after it called (see
 * {@linkcode freshBatch}, of which this is the one-key case). Under load one read serves many
 * callers, and a caller still sees every write committed before it called.
 */
export function freshRead<T>(read: () => Promise<T>): () => Promise<T> {
  const batch = freshBatch<null, T>(async () => new Map([[null, await read()]]));
  return async () => (await batch(null)) as T;
}
