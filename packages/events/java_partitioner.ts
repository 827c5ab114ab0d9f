import { type ICustomPartitioner, Partitioners } from "kafkajs";
import { murmur2 } from "./_murmur2.ts";

const encoder = new TextEncoder();

/**
 * kafkajs's `DefaultPartitioner` (the Java client's placement: a message's own partition if it
 * names one, else `murmur2(key) & 0x7fffffff` modulo the topic's partitions, else round robin)
 * with the keyed case computed by {@linkcode murmur2} in 32-bit arithmetic. Every message the
 * services publish has a key (a patient id, a record id), so each takes the fast path; the others
 * go to kafkajs's own partitioner. Same partitions as before, so no key moves.
 */
export const JavaPartitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  return (args) => {
    const { message, partitionMetadata } = args;
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    const key = message.key;
    if (key === null || key === undefined) return fallback(args);
    const bytes = typeof key === "string" ? encoder.encode(key) : key;
    return (murmur2(bytes) & 0x7fffffff) % partitionMetadata.length;
  };
};
