import assert from "node:assert/strict";
import { signCheckpoint } from "../domain/sign_checkpoint.ts";
import { loadCheckpointKeys } from "../domain/checkpoint_keys.ts";
import { createCheckpointLog } from "./checkpoint_log.ts";

Deno.test("createCheckpointLog() keeps each checkpoint once, pages newest first, flags bad signatures", async () => {
  const keys = await loadCheckpointKeys({ appEnv: "test" });
  const log = createCheckpointLog(keys.verifying);
  const signed = await Promise.all(
    [3, 1, 2, 5, 4].map((seq) => signCheckpoint(keys, { seq, hash: "a".repeat(64) })),
  );
  for (const checkpoint of signed) assert.equal(await log.add(checkpoint), true);
  assert.equal(await log.add({ ...signed[0]! }), false, "a repeat");
  const forged = { ...signed[3]!, seq: 6 };
  assert.equal(await log.add(forged), true);
  const retimed = { ...signed[3]!, time: "2030-01-01T00:00:00.000Z" };
  assert.equal(await log.add(retimed), true, "same seq and signature, another time");

  assert.deepEqual(log.checked().map((c) => [c.seq, c.signatureHolds]), [
    [1, true],
    [2, true],
    [3, true],
    [4, true],
    [5, true],
    [5, false],
    [6, false],
  ]);
  assert.equal(log.newest()?.seq, 5, "the newest whose signature holds");
  const first = log.page({ page: 0, size: 4 });
  assert.equal(first.total, 7);
  assert.deepEqual(JSON.parse(first.json).map((c: { seq: number }) => c.seq), [6, 5, 5, 4]);
  assert.deepEqual(Object.keys(JSON.parse(first.json)[0]), [
    "seq",
    "hash",
    "time",
    "keyId",
    "signature",
  ]);
  assert.deepEqual(
    JSON.parse(log.page({ page: 1, size: 4 }).json).map((c: { seq: number }) => c.seq),
    [3, 2, 1],
  );
  assert.equal(log.page({ page: 2, size: 4 }).json, "[]");
});
