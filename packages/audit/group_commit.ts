/**
 * Batches concurrent writes: `add(item)` resolves once `write` has committed a batch holding it.
 * While one batch is being written the next collects whatever arrives, so under load many
 * requests share one insert and one WAL flush, and an idle system writes at once (no timer).
 */
export function groupCommit<T>(
  write: (items: T[]) => Promise<void>,
  maxBatch = 500,
): (item: T) => Promise<void> {
  let pending: { item: T; resolve(): void; reject(error: unknown): void }[] = [];
  let writing = false;
  const flush = async () => {
    writing = true;
    while (pending.length > 0) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(batch.length);
      try {
        await write(batch.map((p) => p.item));
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    writing = false;
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (!writing) void flush();
    });
}
