import type { Sql } from "@pms/db";
import type { Logger } from "@pms/log";
import { createPollingWorker, type PollingWorker } from "@pms/worker";
import type { EventPublisher } from "./create_event_publisher.ts";
import { publishOutboxEvents } from "./event_outbox.ts";

/** Options for {@linkcode createEventRelay}. */
export interface EventRelayOptions {
  sql: Sql;
  /** A publisher to the events' topic. */
  publisher: EventPublisher;
  logger: Logger;
  /** Events per round. */
  batchSize?: number;
  /** Idle wait between looks at the outbox (commits also wake it). */
  pollMs?: number;
}

/**
 * Publishes the `event_outbox` in order (key and payload as queued, `traceparent` as a header)
 * and deletes each batch once the broker has it. While the broker is down the events wait and
 * the relay backs off; they leave in order when it returns.
 */
export function createEventRelay(options: EventRelayOptions): PollingWorker {
  const { sql, publisher, logger } = options;
  return createPollingWorker({
    name: "event relay",
    logger,
    pollMs: options.pollMs ?? 1_000,
    round: () =>
      publishOutboxEvents(sql, options.batchSize ?? 500, async (events) => {
        await publisher.publish(events.map((e) => ({
          key: e.key,
          value: e.payload,
          headers: e.traceparent ? { traceparent: e.traceparent } : undefined,
        })));
        logger.debug("events published", { count: events.length, lastId: events.at(-1)?.id });
      }),
  });
}
