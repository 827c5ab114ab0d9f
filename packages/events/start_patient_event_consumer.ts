import type { Kafka } from "kafkajs";
import type { Logger } from "@pms/log";
import { decodePatientEvent, InvalidEventError, type PatientEvent } from "./patient_event.ts";
import { DEAD_LETTER_TOPIC, PATIENT_TOPIC } from "./topics.ts";

/** What the handler learns besides the event. */
export interface EventContext {
  /** A logger carrying the event's trace id and event id. */
  logger: Logger;
  /** The W3C `traceparent` the producer sent, if any. */
  traceparent?: string;
}

/** Options for {@linkcode startPatientEventConsumer}. */
export interface PatientEventConsumerOptions {
  kafka: Kafka;
  /** Consumer group, for example `analytics-service`. */
  groupId: string;
  logger: Logger;
  /**
   * Applies one event. It must be idempotent (record the event id in the same transaction as
   * the effect): delivery is at least once. Throwing makes the message be retried.
   */
  handle(event: PatientEvent, context: EventContext): Promise<void>;
}

/** A running consumer. */
export interface PatientEventConsumer {
  /** Disconnects the consumer and the dead-letter producer. */
  stop(): Promise<void>;
}

function header(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/**
 * Consumes topic `patient` in group `groupId` from the earliest offset, one message at a time,
 * committing after the handler succeeds. A message that is not a valid `PatientEvent` is logged
 * (without its content) and copied to the dead-letter topic with the reason in a header; the
 * consumer then goes on.
 */
export async function startPatientEventConsumer(
  options: PatientEventConsumerOptions,
): Promise<PatientEventConsumer> {
  const { kafka, logger } = options;
  const consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: Number.MAX_SAFE_INTEGER },
  });
  const deadLetters = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await deadLetters.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: PATIENT_TOPIC, fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    eachMessage: async ({ topic, partition, message }) => {
      const traceparent = header(message.headers?.traceparent);
      const traceId = traceparent?.split("-")[1];
      let event: PatientEvent;
      try {
        event = decodePatientEvent(message.value);
      } catch (error) {
        if (!(error instanceof InvalidEventError)) throw error;
        logger.warn("invalid event sent to the dead-letter topic", {
          topic,
          partition,
          offset: message.offset,
          reason: error.message,
          traceId,
        });
        await deadLetters.send({
          topic: DEAD_LETTER_TOPIC,
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
        return;
      }
      const scoped = logger.child({ eventId: event.eventId, traceId });
      await options.handle(event, { logger: scoped, traceparent });
    },
  });
  return {
    async stop() {
      await consumer.disconnect();
      await deadLetters.disconnect();
    },
  };
}
