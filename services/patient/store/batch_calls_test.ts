import assert from "node:assert/strict";
import { batchCalls } from "./batch_calls.ts";

/** A batch runner settled by hand: item `n` gives `n * 10`, item -1 fails alone. */
function manualBatches() {
  const batches: { items: number[]; settle: (error?: Error) => void }[] = [];
  const run = (items: number[]) =>
    new Promise<PromiseSettledResult<number>[]>((resolve, reject) => {
      batches.push({
        items,
        settle: (error) =>
          error ? reject(error) : resolve(
            items.map((n) =>
              n < 0
                ? { status: "rejected", reason: new Error(`item ${n} refused`) }
                : { status: "fulfilled", value: n * 10 }
            ),
          ),
      });
    });
  return { run, batches };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("batchCalls() runs the calls made in one turn as one batch", async () => {
  const { run, batches } = manualBatches();
  const call = batchCalls(run, 10);
  const answers = Promise.all([call(1), call(2), call(3)]);
  await turn();
  assert.deepEqual(batches.map((b) => b.items), [[1, 2, 3]]);
  batches[0]!.settle();
  assert.deepEqual(await answers, [10, 20, 30]);
});

Deno.test("batchCalls() makes the calls that arrive during a batch the next one", async () => {
  const { run, batches } = manualBatches();
  const call = batchCalls(run, 10);
  const first = call(1);
  await turn();
  const late = [call(2), call(3)];
  await turn();
  assert.equal(batches.length, 1, "the late calls wait for the batch in flight");
  batches[0]!.settle();
  assert.equal(await first, 10);
  await turn();
  assert.deepEqual(batches[1]?.items, [2, 3]);
  batches[1]!.settle();
  assert.deepEqual(await Promise.all(late), [20, 30]);
});

Deno.test("batchCalls() settles each call as its item settled, and a failed run fails its batch only", async () => {
  const { run, batches } = manualBatches();
  const call = batchCalls(run, 10);
  const [ok, refused] = [call(4), call(-1)];
  await turn();
  batches[0]!.settle();
  assert.equal(await ok, 40);
  await assert.rejects(refused, /item -1 refused/);
  const failing = [call(5), call(6)];
  await turn();
  const next = call(7);
  batches[1]!.settle(new Error("database away"));
  for (const f of failing) await assert.rejects(f, /database away/);
  await turn();
  batches[2]!.settle();
  assert.equal(await next, 70);
});

Deno.test("batchCalls() sends at most maxSize items in a batch", async () => {
  const { run, batches } = manualBatches();
  const call = batchCalls(run, 2);
  const answers = Promise.all([1, 2, 3, 4, 5].map((n) => call(n)));
  await turn();
  assert.deepEqual(batches.map((b) => b.items), [[1, 2]]);
  for (let i = 0; i < 3; i++) {
    batches[i]!.settle();
    await turn();
  }
  assert.deepEqual(batches.map((b) => b.items), [[1, 2], [3, 4], [5]]);
  assert.deepEqual(await answers, [10, 20, 30, 40, 50]);
});
