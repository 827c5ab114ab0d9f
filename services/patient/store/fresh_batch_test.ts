import assert from "node:assert/strict";
import { freshBatch } from "./fresh_batch.ts";

/** A batched read whose answers are settled by hand; each batch answers `key:<batch number>`. */
function manualBatches() {
  const batches: { keys: string[]; settle: (error?: Error) => void }[] = [];
  const readMany = (keys: string[]) =>
    new Promise<Map<string, string>>((resolve, reject) => {
      const n = batches.length + 1;
      batches.push({
        keys,
        settle: (error) =>
          error ? reject(error) : resolve(
            new Map(keys.filter((k) => k !== "absent").map((k) => [k, `${k}:${n}`])),
          ),
      });
    });
  return { readMany, batches };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("freshBatch() reads the keys asked in one turn with one call, each once", async () => {
  const { readMany, batches } = manualBatches();
  const read = freshBatch(readMany);
  const answers = Promise.all([read("a"), read("b"), read("a"), read("absent")]);
  await turn();
  assert.deepEqual(batches.map((b) => b.keys), [["a", "b", "absent"]]);
  batches[0]!.settle();
  assert.deepEqual(await answers, ["a:1", "b:1", "a:1", undefined]);
});

Deno.test("freshBatch() answers a key asked during a batch from a later batch", async () => {
  const { readMany, batches } = manualBatches();
  const read = freshBatch(readMany);
  const first = read("a");
  await turn();
  const late = [read("a"), read("c")];
  await turn();
  assert.equal(batches.length, 1, "the late keys wait for the batch in flight");
  batches[0]!.settle();
  assert.equal(await first, "a:1");
  await turn();
  assert.deepEqual(batches[1]?.keys, ["a", "c"]);
  batches[1]!.settle();
  assert.deepEqual(await Promise.all(late), ["a:2", "c:2"]);
});

Deno.test("freshBatch() fails only the callers of a failed batch", async () => {
  const { readMany, batches } = manualBatches();
  const read = freshBatch(readMany);
  const failing = read("a");
  await turn();
  const next = read("b");
  batches[0]!.settle(new Error("database away"));
  await assert.rejects(failing, /database away/);
  await turn();
  batches[1]!.settle();
  assert.equal(await next, "b:2");
});
