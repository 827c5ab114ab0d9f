import assert from "node:assert/strict";
import { groupCommit } from "./group_commit.ts";

Deno.test("groupCommit() writes the first item alone and what arrives meanwhile as one batch", async () => {
  const batches: number[][] = [];
  let release: () => void = () => {};
  const add = groupCommit<number>(async (items) => {
    batches.push(items);
    if (batches.length === 1) await new Promise<void>((r) => release = r);
  }, { maxInFlight: 1 });
  const first = add(1);
  const rest = [2, 3, 4].map((n) => add(n));
  release();
  await Promise.all([first, ...rest]);
  assert.deepEqual(batches, [[1], [2, 3, 4]]);
});

Deno.test("groupCommit() writes in parallel up to maxInFlight, then batches", async () => {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  const add = groupCommit<number>(async (items) => {
    batches.push(items);
    await new Promise<void>((r) => releases.push(r));
  }, { maxInFlight: 2 });
  const all = [1, 2, 3, 4, 5].map((n) => add(n));
  assert.deepEqual(batches, [[1], [2]]);
  releases.shift()!();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(batches, [[1], [2], [3, 4, 5]]);
  while (releases.length > 0) releases.shift()!();
  await Promise.all(all);
});

Deno.test("groupCommit() rejects every item of a failed batch and goes on with the next", async () => {
  let calls = 0;
  const add = groupCommit<number>((items) => {
    calls++;
    return calls === 1 ? Promise.reject(new Error(`lost ${items}`)) : Promise.resolve();
  });
  await assert.rejects(add(1), /lost 1/);
  await add(2);
  assert.equal(calls, 2);
});
