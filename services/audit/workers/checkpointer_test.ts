import assert from "node:assert/strict";
import { silentLogger } from "@pms/testing";
import type { Checkpoint } from "../domain/checkpoint.ts";
import { checkpointSignatureHolds } from "../domain/checkpoint_signature_holds.ts";
import { loadCheckpointKeys } from "../domain/checkpoint_keys.ts";
import { checkpointFile } from "../store/checkpoint_file.ts";
import { createCheckpointLog } from "../store/checkpoint_log.ts";
import type { CheckpointTopic } from "../store/checkpoint_topic.ts";
import { createCheckpointer } from "./checkpointer.ts";

const hash = (seq: number) => seq.toString(16).padStart(64, "0");

/** A topic in memory: what was published, replayed to each follower. */
function fakeTopic(failing = { now: false }) {
  const messages: Checkpoint[] = [];
  const topic: CheckpointTopic = {
    publish(checkpoint) {
      if (failing.now) return Promise.reject(new Error("broker down"));
      messages.push(checkpoint);
      return Promise.resolve();
    },
    async follow(onCheckpoint) {
      for (const message of messages) await onCheckpoint(message);
      return { caughtUp: Promise.resolve(), stop: () => Promise.resolve() };
    },
    close: () => Promise.resolve(),
  };
  return { topic, messages };
}

async function until(what: string, probe: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("createCheckpointer() signs every `every` records, and `seconds` after an uncovered record; never when nothing arrived", async () => {
  const keys = await loadCheckpointKeys({ appEnv: "test" });
  const log = createCheckpointLog(keys.verifying);
  const { topic, messages } = fakeTopic();
  const checkpointer = createCheckpointer({
    keys,
    log,
    every: 3,
    seconds: 1,
    topic,
    logger: silentLogger(),
  });
  await checkpointer.start();
  try {
    checkpointer.appended({ seq: 1, hash: hash(1) });
    checkpointer.appended({ seq: 2, hash: hash(2) });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(messages.length, 0, "below `every`, before `seconds`");
    checkpointer.appended({ seq: 3, hash: hash(3) });
    await until("the count's checkpoint", () => messages.length === 1);
    assert.equal(messages[0]!.seq, 3);
    assert.equal(messages[0]!.hash, hash(3));
    assert.equal(await checkpointSignatureHolds(messages[0]!, keys.verifying), true);

    const before = Date.now();
    checkpointer.appended({ seq: 4, hash: hash(4) });
    await until("the time's checkpoint", () => messages.length === 2);
    assert.ok(Date.now() - before >= 900, "about `seconds` after the record");
    assert.equal(messages[1]!.seq, 4);
    // Out of order (two appends' callbacks): the older head does not move it back.
    checkpointer.appended({ seq: 3, hash: hash(3) });
    await new Promise((r) => setTimeout(r, 1_300));
    assert.equal(messages.length, 2, "nothing new, nothing signed");
    assert.deepEqual(log.checked().map((c) => c.seq), [3, 4]);
    assert.equal(checkpointer.head()?.seq, 4);
    checkpointer.appended({ seq: 5, hash: hash(5) });
  } finally {
    await checkpointer.stop();
  }
  assert.equal(messages.at(-1)?.seq, 5, "the last records get theirs at stop");
});

Deno.test("createCheckpointer() reads the file and the topic back at start; a failed write is retried", async () => {
  const keys = await loadCheckpointKeys({ appEnv: "test" });
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    const failing = { now: false };
    const { topic, messages } = fakeTopic(failing);
    const first = createCheckpointer({
      keys,
      log: createCheckpointLog(keys.verifying),
      every: 2,
      seconds: 60,
      file: checkpointFile(path),
      topic,
      logger: silentLogger(),
    });
    await first.start();
    first.appended({ seq: 2, hash: hash(2) });
    await until("checkpoint 2", () => messages.length === 1);
    await first.stop();
    // A torn last line (a crash while writing) is passed over.
    await Deno.writeTextFile(path, '{"seq":', { append: true });

    // Only the file knows this one: the broker was down.
    failing.now = true;
    const second = createCheckpointer({
      keys,
      log: createCheckpointLog(keys.verifying),
      every: 2,
      seconds: 60,
      file: checkpointFile(path),
      topic,
      logger: silentLogger(),
    });
    await second.start();
    second.appended({ seq: 4, hash: hash(4) });
    await second.stop();
    const lines = (await Deno.readTextFile(path)).split("\n").filter((l) =>
      l.startsWith('{"seq":4')
    );
    assert.equal(lines.length, 1);
    assert.equal(messages.length, 1);

    // Both down: nothing is written and the head waits for the retry.
    const log = createCheckpointLog(keys.verifying);
    const third = createCheckpointer({
      keys,
      log,
      every: 1,
      seconds: 60,
      topic,
      logger: silentLogger(),
    });
    await third.start();
    assert.deepEqual(log.checked().map((c) => c.seq), [2], "replayed from the topic");
    third.appended({ seq: 6, hash: hash(6) });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(log.newest()?.seq, 2);
    failing.now = false;
    await until("the retry", () => log.newest()?.seq === 6, 5_000);
    await third.stop();

    const reread = createCheckpointLog(keys.verifying);
    const fourth = createCheckpointer({
      keys,
      log: reread,
      every: 2,
      seconds: 60,
      file: checkpointFile(path),
      topic,
      logger: silentLogger(),
    });
    await fourth.start();
    await fourth.stop();
    assert.deepEqual(reread.checked().map((c) => c.seq), [2, 4, 6], "file and topic, each once");
  } finally {
    await Deno.remove(path);
  }
});
