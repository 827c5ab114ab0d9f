import assert from "node:assert/strict";
import { Logger } from "@pms/log";
import { createPollingWorker } from "./polling_worker.ts";

const logger = new Logger({ service: "test", write: () => {} });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("createPollingWorker() runs again at once while there is work, then polls", async () => {
  const queue = [3, 2, 0];
  let rounds = 0;
  const worker = createPollingWorker({
    name: "w",
    logger,
    pollMs: 60_000,
    round: () => {
      rounds++;
      return Promise.resolve(queue.shift() ?? 0);
    },
  });
  worker.start();
  await sleep(50);
  assert.equal(rounds, 3, "two busy rounds, then an idle one that waits for the poll");
  worker.wake();
  await sleep(20);
  assert.equal(rounds, 4, "wake() runs a round before the poll interval");
  await worker.stop();
});

Deno.test("createPollingWorker() backs off after failures and recovers", async () => {
  let calls = 0;
  const worker = createPollingWorker({
    name: "w",
    logger,
    pollMs: 60_000,
    retryBaseMs: 10,
    round: () => {
      calls++;
      return calls <= 3 ? Promise.reject(new Error("down")) : Promise.resolve(0);
    },
  });
  worker.start();
  await sleep(20);
  assert.ok(worker.failures >= 1 && calls < 4, "waits between failed rounds");
  await sleep(150);
  assert.equal(calls, 4);
  assert.equal(worker.failures, 0);
  await worker.stop();
});

Deno.test("createPollingWorker() never overlaps rounds and stop() waits for the current one", async () => {
  let active = 0;
  let maxActive = 0;
  let done = 0;
  const worker = createPollingWorker({
    name: "w",
    logger,
    pollMs: 5,
    round: async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await sleep(10);
      active--;
      done++;
      return 0;
    },
  });
  worker.start();
  for (let i = 0; i < 5; i++) {
    worker.wake();
    await sleep(3);
  }
  await worker.stop();
  assert.equal(maxActive, 1);
  assert.equal(active, 0);
  const after = done;
  await sleep(30);
  assert.equal(done, after, "no round after stop()");
});
