import type { Consumer, EachMessagePayload, Kafka, Producer } from "kafkajs";
import type { Logger } from "@pms/log";
import { inSpan } from "@pms/trace";
import { decodePatientEvent, InvalidEventError, type PatientEvent } from "./patient_event.ts";
import { deadLetterTopic, PATIENT_TOPIC } from "./topics.ts";

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
  /** The topic; defaults to {@linkcode PATIENT_TOPIC}. Bad messages go to its `.DLT`. */
  topic?: string;
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
 * Consumes the topic in group `groupId` from the earliest offset, one message at a time,
 * committing after the handler succeeds. A message that is not a valid `PatientEvent` is logged
 * (without its content) and copied to the dead-letter topic with the reason in a header; the
 * consumer then goes on. It connects in the background, retrying with backoff, so a broker that
 * is down at start only delays consumption; a consumer that crashes for good is started again.
 */
export function startPatientEventConsumer(
  options: PatientEventConsumerOptions,
): Promise<PatientEventConsumer> {
  const { kafka, logger } = options;
  const topicName = options.topic ?? PATIENT_TOPIC;
  let stopped = false;
  let consumer: Consumer | undefined;
  let deadLetters: Producer | undefined;
  let wakeSleep: (() => void) | undefined;

  const disconnect = async () => {
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
      retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: Number.MAX_SAFE_INTEGER },
    });
    deadLetters = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const current = consumer;
    current.on(current.events.CRASH, ({ payload }) => {
      if (payload.restart || stopped || consumer !== current) return;
      logger.error("consumer crashed; starting it again", { err: payload.error });
      void disconnect().then(() => keepConnecting());
    });
    await deadLetters.connect();
    await current.connect();
    await current.subscribe({ topic: topicName, fromBeginning: true });
    await current.run({ autoCommit: true, eachMessage: (payload) => handleMessage(payload) });
  };

  const handleMessage = async ({ topic, partition, message }: EachMessagePayload) => {
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
      return;
    }
    const scoped = logger.child({ eventId: event.eventId, traceId });
    await inSpan(
      `${topic} process`,
      "consumer",
      traceparent,
      () => options.handle(event, { logger: scoped, traceparent }),
    );
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
          if (failures === 0 || failures % 10 === 9) {
            logger.warn("consumer cannot connect yet; retrying", { err: error });
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(200 * 2 ** failures, 10_000));
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
