/**
 * Runs calls together: each call's item goes into a batch that `run` handles at once, and the
 * call settles as `run` settled that item. Calls that arrive together (in one turn) share a batch;
 * calls that arrive while a batch is in flight make up the next one, sent when it ends, so under
 * load one statement serves many callers and at most one batch is in flight. A batch holds at most
 * `maxSize` items; more wait for the batch after. A `run` that throws fails its batch's callers.
 */
export function batchCalls<I, O>(
  run: (items: I[]) => Promise<PromiseSettledResult<O>[]>,
  maxSize: number,
): (item: I) => Promise<O> {
  interface Waiting {
    item: I;
    resolve: (value: O) => void;
    reject: (reason: unknown) => void;
  }
  const queue: Waiting[] = [];
  let scheduled = false;
  let inFlight = false;

  async function send(): Promise<void> {
    scheduled = false;
    const batch = queue.splice(0, maxSize);
    if (batch.length === 0) return;
    inFlight = true;
    try {
      const results = await run(batch.map((w) => w.item));
      batch.forEach((waiting, i) => {
        const result = results[i];
        if (result?.status === "fulfilled") waiting.resolve(result.value);
        else waiting.reject(result ? result.reason : new Error("the batch gave no result"));
      });
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    } finally {
      inFlight = false;
      if (queue.length > 0) schedule();
    }
  }

  function schedule(): void {
    if (scheduled || inFlight) return;
    scheduled = true;
    queueMicrotask(() => void send());
  }

  return function call(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
  };
}
