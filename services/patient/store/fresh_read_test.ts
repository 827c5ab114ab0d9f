import assert from "node:assert/strict";
import { freshRead } from "./fresh_read.ts";

/** A read whose answers are settled by hand, numbered by when each was started. */
function manualRead() {
  const started: { resolve: (n: number) => void; reject: (e: Error) => void }[] = [];
  const read = () =>
    new Promise<number>((resolve, reject) => {
      const n = started.length + 1;
      started.push({ resolve: () => resolve(n), reject });
    });
  return { read, started };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("freshRead() shares one read among the calls of one turn", async () => {
  const { read, started } = manualRead();
  const fresh = freshRead(read);
  const answers = Promise.all([fresh(), fresh(), fresh()]);
  await turn();
  assert.equal(started.length, 1);
  started[0]!.resolve(0);
  assert.deepEqual(await answers, [1, 1, 1]);
});

Deno.test("freshRead() never answers a call with a read started before it", async () => {
  const { read, started } = manualRead();
  const fresh = freshRead(read);
  const first = fresh();
  await turn();
  assert.equal(started.length, 1, "the first read is in flight");
  const late = [fresh(), fresh()];
  await turn();
  assert.equal(started.length, 1, "the late calls wait for the read in flight to end");
  started[0]!.resolve(0);
  assert.equal(await first, 1);
  await turn();
  assert.equal(started.length, 2, "then share one read of their own");
  started[1]!.resolve(0);
  assert.deepEqual(await Promise.all(late), [2, 2]);
});

Deno.test("freshRead() fails the calls of a failed read, and reads again for the next", async () => {
  const { read, started } = manualRead();
  const fresh = freshRead(read);
  const failing = fresh();
  await turn();
  started[0]!.reject(new Error("database away"));
  await assert.rejects(failing, /database away/);
  const next = fresh();
  await turn();
  assert.equal(started.length, 2);
  started[1]!.resolve(0);
  assert.equal(await next, 2);
});
