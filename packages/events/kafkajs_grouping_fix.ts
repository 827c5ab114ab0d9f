// kafkajs 2.2.4 (its last release) groups a send's messages by partition by copying the partition's
// array for each message (`[...current, message]` in `producer/groupMessagesPerPartition.js`):
// quadratic in the messages of one partition. Under the get load, the audit relay's sends left
// about 3.4 KB of garbage for each read they carried. This puts a grouping with the same result,
// one push per message, in the module cache before kafkajs's `producer/sendMessages.js` requires
// it, which it does once, when kafkajs itself is loaded. So this module must be evaluated before
// kafkajs is: `mod.ts` imports it first, and nothing in the package imports kafkajs's entry before
// `mod.ts` does. A process that loads kafkajs first (a test that imports it before `@pms/events`)
// keeps kafkajs's own grouping, which gives the same result.
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
require(path); // makes the module's cache entry, whose exports are then replaced
require.cache[path]!.exports = groupMessagesPerPartition;
