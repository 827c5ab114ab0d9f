import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from "kafkajs";
import type { Logger } from "@pms/log";
import { backoffDelay, worthLogging } from "@pms/retry";
import { inSpan, parseTraceparent } from "@pms/trace";
import { JavaPartitioner } from "./java_partitioner.ts";
import { InvalidEventError, type MessageOrigin, type PatientEvent } from "./patient_event.ts";
import { deadLetterTopic } from "./topics.ts";

/** What the handler learns besides the event. */
export interface EventContext {
  /** A logger carrying the event's trace id and event id. */
  logger: Logger;
  /** The W3C `traceparent` the producer sent, if any. */
  traceparent?: string;
}

/** An event and what came with it. */
export interface ReceivedEvent<T = PatientEvent> extends EventContext {
  event: T;
}

/**
 * Decodes a message's value, given where the message was (the consumer always gives it); throws
 * {@linkcode InvalidEventError} for a bad one.
 */
export type EventDecoder<T> = (value: Buffer | null, origin?: MessageOrigin) => T;

/** Options for {@linkcode startEventConsumer}. */
export interface EventConsumerOptions<T> {
  kafka: Kafka;
  /** Consumer group, for example `analytics-service`. */
  groupId: string;
  /** The topic, for example `patient`, `billing` or `audit`. Bad messages go to its `.DLT`. */
  topic: string;
  logger: Logger;
  /**
   * Applies a batch of events (in partition order) in one database transaction. It must be
   * idempotent (record each event id in the same transaction as its effect): delivery is at
   * least once, and a batch that throws is delivered again.
   */
  handleBatch(events: ReceivedEvent<T>[]): Promise<void>;
  /**
   * Decodes a message's value (`decodePatientEvent`, `decodeBillingEvent`, the audit record's);
   * what it throws as {@linkcode InvalidEventError} sends the message to the dead-letter topic.
   */
  decode: EventDecoder<T>;
  /** The event's own id, for log lines; defaults to its `eventId` when it has a string one. */
  idOf?: (event: T) => string;
  /**
   * Let the broker gather this many bytes (up to `maxWaitMs`) before answering a fetch: fewer,
   * larger batches for a busy topic. Defaults: 1 byte (answer at once), 5 s.
   */
  fetch?: { minBytes: number; maxWaitMs: number };
}

/** A running consumer. */
export interface EventConsumer {
  /** Disconnects the consumer and the dead-letter producer. */
  stop(): Promise<void>;
}

const MAX_CHUNK = 500;

/**
 * How long an applied event's offset may wait to be committed. kafkajs commits after every
 * partition's batch: three commits per fetch on a topic of three partitions, for every group, the
 * broker's most frequent request under load. One commit on a short timer carries them all. A stop
 * or a rebalance commits at once; after a crash, or a commit that failed, at most this long's
 * events are delivered again, which the handlers drop by event id as they drop any redelivery.
 */
const COMMIT_EVERY_MS = 200;

function header(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** The `eventId` of an event that has a string one (patient and billing events do). */
function eventIdOf(event: unknown): string | undefined {
  return typeof event === "object" && event !== null && "eventId" in event &&
      typeof event.eventId === "string"
    ? event.eventId
    : undefined;
}

/**
 * Consumes the topic in group `groupId` from the earliest offset, in batches, committing what
 * the handler applied within {@linkcode COMMIT_EVERY_MS}. A message the decoder refuses
 * (`InvalidEventError`) is logged (without its content) and copied to the dead-letter topic with
 * the reason in a header; the consumer then goes on. It connects in the background, retrying
 * with backoff, so a broker that is down at start only delays consumption; a consumer that
 * crashes for good is started again.
 */
export function startEventConsumer<T>(
  options: EventConsumerOptions<T>,
): Promise<EventConsumer> {
  const { kafka, logger } = options;
  const decodeValue = options.decode;
  const idOf = options.idOf ?? eventIdOf;
  const topicName = options.topic;
  let stopped = false;
  let consumer: Consumer | undefined;
  let deadLetters: Producer | undefined;
  let wakeSleep: (() => void) | undefined;
  // The next offset of each partition applied since the last commit.
  const applied = new Map<string, { topic: string; partition: number; offset: string }>();
  let commitTimer: ReturnType<typeof setTimeout> | undefined;

  /** Commits what was applied; one that fails is only delivered again (see COMMIT_EVERY_MS). */
  const commitApplied = async () => {
    clearTimeout(commitTimer);
    commitTimer = undefined;
    const offsets = [...applied.values()];
    applied.clear();
    if (offsets.length === 0 || !consumer) return;
    await consumer.commitOffsets(offsets).catch((err) => {
      logger.warn("offsets not committed; their events may be delivered again", { err });
    });
  };

  const disconnect = async () => {
    await commitApplied();
    const [c, d] = [consumer, deadLetters];
    consumer = undefined;
    deadLetters = undefined;
    await c?.disconnect().catch(() => {});
    await d?.disconnect().catch(() => {});
  };

  const connect = async () => {
    consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      ...(options.fetch &&
        { minBytes: options.fetch.minBytes, maxWaitTimeInMs: options.fetch.maxWaitMs }),
      retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: Number.MAX_SAFE_INTEGER },
    });
    deadLetters = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: JavaPartitioner,
    });
    const current = consumer;
    current.on(current.events.CRASH, ({ payload }) => {
      if (payload.restart || stopped || consumer !== current) return;
      logger.error("consumer crashed; starting it again", { err: payload.error });
      void disconnect().then(() => keepConnecting());
    });
    await deadLetters.connect();
    await current.connect();
    await current.subscribe({ topic: topicName, fromBeginning: true });
    await current.run({
      // Committed by `commitApplied`, at most COMMIT_EVERY_MS after they were applied.
      autoCommit: false,
      // Offsets are resolved chunk by chunk, after each is applied: a consumer stopped in the
      // middle of a batch must not mark the rest as consumed.
      eachBatchAutoResolve: false,
      eachBatch: (payload) => handleBatch(payload),
    });
  };

  /** Decodes one message; a bad one goes to the dead-letter topic and yields undefined. */
  const decode = async (
    topic: string,
    partition: number,
    message: KafkaMessage,
  ): Promise<ReceivedEvent<T> | undefined> => {
    const traceparent = header(message.headers?.traceparent);
    const traceId = parseTraceparent(traceparent)?.traceId;
    try {
      const event = decodeValue(message.value, {
        topic,
        partition,
        offset: message.offset,
        timestamp: message.timestamp,
      });
      return { event, traceparent, logger: logger.child({ eventId: idOf(event), traceId }) };
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      logger.warn("invalid event sent to the dead-letter topic", {
        topic,
        partition,
        offset: message.offset,
        reason: error.message,
        traceId,
      });
      await deadLetters!.send({
        topic: deadLetterTopic(topicName),
        acks: -1,
        messages: [{
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            "dlt-reason": error.message,
            "dlt-source": `${topic}/${partition}/${message.offset}`,
            "dlt-group": options.groupId,
          },
        }],
      });
      return undefined;
    }
  };

  // A fetched batch is applied in chunks, each in one transaction: under load that is one
  // commit for many events instead of one each, which keeps the lag low.
  const handleBatch = async (
    { batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload,
  ) => {
    for (let start = 0; start < batch.messages.length; start += MAX_CHUNK) {
      if (!isRunning() || isStale()) return;
      const messages = batch.messages.slice(start, start + MAX_CHUNK);
      const chunk: ReceivedEvent<T>[] = [];
      for (const message of messages) {
        const received = await decode(batch.topic, batch.partition, message);
        if (received) chunk.push(received);
      }
      if (chunk.length > 0) {
        // One consumer span per event, in the trace of the request that caused it.
        await Promise.all(
          chunk.map((r) =>
            inSpan(`${batch.topic} receive`, "consumer", r.traceparent, () => Promise.resolve())
          ),
        );
        await options.handleBatch(chunk);
      }
      resolveOffset(messages.at(-1)!.offset);
      applied.set(`${batch.topic}:${batch.partition}`, {
        topic: batch.topic,
        partition: batch.partition,
        offset: (BigInt(messages.at(-1)!.offset) + 1n).toString(),
      });
      commitTimer ??= setTimeout(() => void commitApplied(), COMMIT_EVERY_MS);
      try {
        await heartbeat();
      } catch (error) {
        // A rebalance: commit while this member still owns its partitions, as kafkajs does.
        await commitApplied();
        throw error;
      }
    }
  };

  let connecting: Promise<void> = Promise.resolve();
  const keepConnecting = () => {
    connecting = (async () => {
      for (let failures = 0; !stopped; failures++) {
        try {
          await connect();
          if (failures > 0) logger.info("consumer connected", { failures });
          return;
        } catch (error) {
          await disconnect();
          if (worthLogging(failures + 1)) {
            logger.warn("consumer cannot connect yet; retrying", { err: error });
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(
              resolve,
              backoffDelay(failures, { baseMs: 200, maxMs: 10_000 }),
            );
            wakeSleep = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      }
    })();
  };
  keepConnecting();

  return Promise.resolve({
    async stop() {
      stopped = true;
      wakeSleep?.();
      await connecting;
      await disconnect();
    },
  });
}
