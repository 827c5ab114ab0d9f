import { Buffer } from "node:buffer";
import type { Kafka } from "kafkajs";
import { createEventPublisher, startEventConsumer } from "@pms/events";
import type { Logger } from "@pms/log";
import { type Checkpoint, parseCheckpoint } from "../domain/checkpoint.ts";

/** Options for {@linkcode checkpointTopic}. */
export interface CheckpointTopicOptions {
  kafka: Kafka;
  /** `audit.checkpoints` (one partition, kept forever). */
  topic: string;
  logger: Logger;
}

/** Checkpoints on their Kafka topic: published there, and read back from its beginning. */
export interface CheckpointTopic {
  /** Publishes one checkpoint (acks from all in-sync replicas); throws when the broker cannot. */
  publish(checkpoint: Checkpoint): Promise<void>;
  /**
   * Reads the topic from its beginning and then follows it, handing each checkpoint to
   * `onCheckpoint`; `caughtUp` resolves once what the topic held at the start was read (or at
   * once when the end offsets cannot be fetched; the replay goes on in the background).
   */
  follow(onCheckpoint: (checkpoint: Checkpoint) => Promise<unknown>): Promise<{
    caughtUp: Promise<void>;
    stop(): Promise<void>;
  }>;
  /** Disconnects the publisher. */
  close(): Promise<void>;
}

interface Read {
  checkpoint?: Checkpoint;
  partition: number;
  offset: string;
}

/**
 * The checkpoint topic. Replay uses a consumer group of its own per process (`audit-checkpoints-`
 * and a random suffix) with no committed offsets, so every start reads every checkpoint again.
 */
export function checkpointTopic(options: CheckpointTopicOptions): CheckpointTopic {
  const { kafka, topic, logger } = options;
  const publisher = createEventPublisher({ kafka, topic, logger });
  return {
    publish(checkpoint) {
      const { seq, hash, time, keyId, signature } = checkpoint;
      return publisher.publish([{
        key: String(seq),
        // A Buffer, not a bare Uint8Array: kafkajs sends only Buffers intact.
        value: Buffer.from(JSON.stringify({ seq, hash, time, keyId, signature }), "utf8"),
      }]);
    },
    async follow(onCheckpoint) {
      // Where the topic ends now, per partition: the replay is complete once each is reached.
      const pending = new Map<number, bigint>();
      const admin = kafka.admin();
      try {
        await admin.connect();
        for (const { partition, offset, low } of await admin.fetchTopicOffsets(topic)) {
          if (BigInt(offset) > BigInt(low)) pending.set(partition, BigInt(offset));
        }
      } catch (error) {
        logger.warn("checkpoint topic offsets unknown; replaying in the background", {
          err: error,
          topic,
        });
      } finally {
        await admin.disconnect().catch(() => {});
      }
      let caughtUp!: () => void;
      const done = new Promise<void>((resolve) => caughtUp = resolve);
      if (pending.size === 0) caughtUp();
      const consumer = await startEventConsumer<Read>({
        kafka,
        groupId: `audit-checkpoints-${crypto.randomUUID()}`,
        topic,
        logger,
        idOf: (read) => `${read.partition}/${read.offset}`,
        // Never throws: a message that is not a checkpoint is logged and passed over.
        decode: (value, origin) => {
          let checkpoint: Checkpoint | undefined;
          try {
            checkpoint = parseCheckpoint(JSON.parse(value?.toString() ?? ""));
          } catch {
            checkpoint = undefined;
          }
          return { checkpoint, partition: origin?.partition ?? 0, offset: origin?.offset ?? "0" };
        },
        async handleBatch(events) {
          for (const { event } of events) {
            if (event.checkpoint) await onCheckpoint(event.checkpoint);
            else logger.warn("not a checkpoint on the checkpoint topic", { topic, ...event });
            const end = pending.get(event.partition);
            if (end !== undefined && BigInt(event.offset) + 1n >= end) {
              pending.delete(event.partition);
              if (pending.size === 0) caughtUp();
            }
          }
        },
      });
      return { caughtUp: done, stop: () => consumer.stop() };
    },
    close: () => publisher.close(),
  };
}
