import type { Kafka, Producer } from "kafkajs";
import type { Logger } from "@pms/log";
import { JavaPartitioner } from "./java_partitioner.ts";

/** One message to publish. */
export interface OutgoingMessage {
  /** Partition key: the patient id, so one patient's events stay in order. */
  key: string;
  value: Uint8Array;
  headers?: Record<string, string>;
}

/** Publishes batches to one topic. */
export interface EventPublisher {
  /** Sends the batch (acks from all in-sync replicas); throws when the broker cannot take it. */
  publish(messages: OutgoingMessage[]): Promise<void>;
  /** Disconnects. */
  close(): Promise<void>;
}

/** Options for {@linkcode createEventPublisher}. */
export interface EventPublisherOptions {
  kafka: Kafka;
  topic: string;
  logger: Logger;
}

/**
 * An idempotent producer (`acks=all`, one request in flight, so a retried batch neither
 * duplicates nor reorders within a connection) that connects on first use and again after a
 * failure: a broker that is down at start or goes away later only delays the next batch.
 * Delivery is at least once across reconnects; consumers drop repeats by event id.
 */
export function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  let producer: Producer | undefined;
  const fresh = () =>
    options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Named, not defaulted: kafkajs warns at every start that its default changed in v2. The
      // Java client's murmur2 partitioning, so a patient's events land where Java's would.
      createPartitioner: JavaPartitioner,
    });
  return {
    async publish(messages) {
      if (messages.length === 0) return;
      if (!producer) {
        const next = fresh();
        await next.connect();
        producer = next;
      }
      try {
        await producer.send({
          topic: options.topic,
          acks: -1,
          messages: messages.map((m) => ({
            key: m.key,
            value: m.value as Buffer,
            headers: m.headers,
          })),
        });
      } catch (error) {
        const failed = producer;
        producer = undefined;
        await failed.disconnect().catch(() => {});
        throw error;
      }
    },
    async close() {
      const current = producer;
      producer = undefined;
      await current?.disconnect();
    },
  };
}
