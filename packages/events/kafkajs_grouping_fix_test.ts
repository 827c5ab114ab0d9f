import "./mod.ts";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { groupMessagesPerPartition } from "./kafkajs_grouping_fix.ts";

const require = createRequire(import.meta.url);

const byKey = (
  { message }: { message: unknown },
) => Number((message as { key: string }).key);

Deno.test("groupMessagesPerPartition() groups messages by their partition, in their order", () => {
  const messages = ["1", "0", "1", "2", "1"].map((key, i) => ({ key, value: `m${i}` }));
  const grouped = groupMessagesPerPartition({
    topic: "audit",
    partitionMetadata: [{}, {}, {}],
    messages,
    partitioner: byKey,
  });
  assert.deepEqual(grouped, {
    0: [messages[1]],
    1: [messages[0], messages[2], messages[4]],
    2: [messages[3]],
  });
  assert.deepEqual(Object.keys(grouped), ["0", "1", "2"]);
});

Deno.test("groupMessagesPerPartition() groups nothing without partition metadata", () => {
  const grouped = groupMessagesPerPartition({
    topic: "audit",
    partitionMetadata: [],
    messages: [{ key: "0", value: "m" }],
    partitioner: byKey,
  });
  assert.deepEqual(grouped, {});
});

Deno.test("kafkajs's producer groups a send with groupMessagesPerPartition()", async () => {
  // kafkajs's own `sendMessages`, as its producer builds it, around a faked cluster and broker.
  const createSendMessages = require("kafkajs/src/producer/sendMessages.js") as (
    deps: Record<string, unknown>,
  ) => (request: Record<string, unknown>) => Promise<unknown>;
  const produced: unknown[] = [];
  const broker = {
    nodeId: 0,
    produce(request: unknown) {
      produced.push(request);
      return Promise.resolve({ topics: [] });
    },
  };
  const partitionMetadata = [{ partitionId: 0, leader: 0 }, { partitionId: 1, leader: 0 }];
  const sendMessages = createSendMessages({
    logger: { debug() {}, error() {} },
    cluster: {
      refreshMetadataIfNecessary: () => Promise.resolve(),
      addMultipleTargetTopics: () => Promise.resolve(),
      findTopicPartitionMetadata: () => partitionMetadata,
      findLeaderForPartitions: (_topic: string, partitions: string[]) => ({ 0: partitions }),
      findBroker: () => Promise.resolve(broker),
      isConnected: () => true,
    },
    partitioner: byKey,
    eosManager: {
      acquireBrokerLock: () => Promise.resolve(),
      releaseBrokerLock: () => Promise.resolve(),
      isTransactional: () => false,
      getSequence: () => 0,
      updateSequence() {},
      getProducerId: () => -1,
      getProducerEpoch: () => 0,
    },
    retrier: (run: (bail: (e: unknown) => void) => Promise<unknown>) =>
      run((error) => {
        throw error;
      }),
  });
  const messages = ["1", "0", "1"].map((key, i) => ({ key, value: `m${i}` }));
  // kafkajs's own grouping reduces the array; the mended one only iterates it.
  Object.defineProperty(messages, "reduce", {
    value: () => {
      throw new Error("grouped by kafkajs's own groupMessagesPerPartition");
    },
  });
  await sendMessages({ acks: 0, topicMessages: [{ topic: "audit", messages }] });
  assert.deepEqual(produced.length, 1);
  const { topicData } = produced[0] as {
    topicData: { topic: string; partitions: { partition: string; messages: unknown[] }[] }[];
  };
  assert.deepEqual(topicData, [{
    topic: "audit",
    partitions: [
      { partition: "0", messages: [messages[1]], firstSequence: 0 },
      { partition: "1", messages: [messages[0], messages[2]], firstSequence: 0 },
    ],
  }]);
});
