import { Buffer } from "node:buffer";
import type { Sql } from "@pms/db";
import type { EventPublisher } from "@pms/events";
import type { Logger } from "@pms/log";
import { createPollingWorker, type PollingWorker } from "@pms/worker";
import { publishQueuedAuditRecords } from "./audit_outbox.ts";

/** Options for {@linkcode createAuditRelay}. */
export interface AuditRelayOptions {
  sql: Sql;
  /** A publisher to topic `audit`. */
  publisher: EventPublisher;
  logger: Logger;
  /** Records per batch. */
  batchSize?: number;
  /** Idle wait between looks at the outbox (commits also wake it). */
  pollMs?: number;
}

/**
 * Publishes the outbox's records to topic `audit` in order (JSON, key = record id) and deletes
 * them once the broker has them. While the broker is down they wait; they leave when it returns.
 */
export function createAuditRelay(options: AuditRelayOptions): PollingWorker {
  const { sql, publisher, logger } = options;
  return createPollingWorker({
    name: "audit relay",
    logger,
    pollMs: options.pollMs ?? 1_000,
    round: () =>
      publishQueuedAuditRecords(sql, options.batchSize ?? 500, async (records) => {
        await publisher.publish(records.map((r) => ({
          key: r.recordId,
          // A Buffer, as kafkajs expects (a bare Uint8Array is encoded wrongly).
          value: Buffer.from(r.payload, "utf8"),
        })));
        logger.debug("audit records published", { count: records.length });
      }),
  });
}
