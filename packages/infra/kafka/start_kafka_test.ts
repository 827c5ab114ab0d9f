// deno-lint-ignore-file no-console
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { silentLogger } from "@pms/testing";
import { startKafka } from "./start_kafka.ts";

Deno.test("startKafka() runs a real broker: topics, produce, consume, pause and resume", async () => {
  const started = performance.now();
  const kafka = await startKafka({
    logger: silentLogger(),
    mode: "test",
    topics: [{ name: "patient", partitions: 3 }],
    env: {},
  });
  const startMs = Math.round(performance.now() - started);
  const client = new Kafka({ clientId: "t", brokers: kafka.brokers, logLevel: logLevel.NOTHING });
  const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = client.consumer({ groupId: "g" });
  const admin = client.admin();
  try {
    assert.equal(kafka.kind, "local");
    await admin.connect();
    const [meta] = (await admin.fetchTopicMetadata({ topics: ["patient"] })).topics;
    assert.equal(meta?.partitions.length, 3);

    await producer.connect();
    await producer.send({ topic: "patient", acks: -1, messages: [{ key: "k", value: "one" }] });
    await consumer.connect();
    await consumer.subscribe({ topic: "patient", fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({
      eachMessage: ({ message }) => {
        seen.push(String(message.value));
        return Promise.resolve();
      },
    });
    const until = async (n: number) => {
      for (let i = 0; i < 300 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 100));
    };
    await until(1);
    assert.deepEqual(seen, ["one"]);

    const paused = performance.now();
    await kafka.pause!();
    await kafka.resume!();
    const restartMs = Math.round(performance.now() - paused);
    await producer.send({ topic: "patient", acks: -1, messages: [{ key: "k", value: "two" }] });
    await until(2);
    assert.deepEqual(seen, ["one", "two"], "committed offsets survive a restart");
    console.log(`kafka: started in ${startMs} ms, restarted in ${restartMs} ms`);
  } finally {
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await kafka.stop();
  }
  const port = Number(kafka.brokers[0]!.split(":")[1]);
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port }));
});
