import type { Sql } from "@pms/db";
import type { EventPublisher } from "@pms/events";
import type { Logger } from "@pms/log";
import { createPollingWorker, type PollingWorker } from "@pms/worker";
import { publishQueuedEvents } from "../store/outbox_store.ts";

/** Options for {@linkcode createOutboxRelay}. */
export interface OutboxRelayOptions {
  sql: Sql;
  publisher: EventPublisher;
  logger: Logger;
  /** Events per batch. */
  batchSize: number;
  /** Idle wait between looks at the outbox (commits also wake it through LISTEN/NOTIFY). */
  pollMs: number;
}

/**
 * Publishes queued events in outbox order, a batch at a time, and deletes them once the broker
 * has them. While the broker is down the batch stays queued and the relay backs off; it catches
 * up in order when the broker returns. The message key is the patient id (one patient's events
 * share a partition, so they are consumed in order) and the request's `traceparent` travels as
 * a header.
 */
export function createOutboxRelay(options: OutboxRelayOptions): PollingWorker {
  const { sql, publisher, logger } = options;
  return createPollingWorker({
    name: "outbox relay",
    logger,
    pollMs: options.pollMs,
    round: () =>
      publishQueuedEvents(sql, options.batchSize, async (events) => {
        await publisher.publish(events.map((e) => ({
          key: e.patientId,
          value: e.payload,
          headers: e.traceparent ? { traceparent: e.traceparent } : undefined,
        })));
        logger.debug("events published", { count: events.length, lastId: events.at(-1)?.id });
      }),
  });
}
