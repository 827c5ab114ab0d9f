// kafkajs 2.2.4 (its last release) groups a send's messages by partition by copying the
// partition's array for each message (`[...current, message]` in
// `producer/groupMessagesPerPartition.js`): quadratic in the messages of one partition. An audit
// relay's send of 160 records copied about 13,000 array slots, about 3.4 KB of garbage for each
// read it records. This puts a grouping with the same result, one push per message, in the module
// cache before kafkajs's `producer/sendMessages.js` requires it, which it does once, when kafkajs
// itself is loaded. So this module must be evaluated before kafkajs is: `mod.ts` imports it first,
// and nothing in the package imports kafkajs's entry before `mod.ts` does.
import { createRequire } from "node:module";

/** What kafkajs passes its grouping: a topic's messages and how to choose their partitions. */
interface GroupingInput {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner(args: { topic: string; partitionMetadata: unknown[]; message: unknown }): number;
}

/**
 * `messages` by the partition `partitioner` chooses for each, in their order: what kafkajs's
 * `groupMessagesPerPartition` returns, an object of arrays keyed by partition (none without
 * partition metadata).
 */
export function groupMessagesPerPartition(
  { topic, partitionMetadata, messages, partitioner }: GroupingInput,
): Record<number, unknown[]> {
  const grouped: Record<number, unknown[]> = {};
  if (partitionMetadata.length === 0) return grouped;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (grouped[partition] ??= []).push(message);
  }
  return grouped;
}

const require = createRequire(import.meta.url);
const path = require.resolve("kafkajs/src/producer/groupMessagesPerPartition.js");
require(path);
require.cache[path]!.exports = groupMessagesPerPartition;
