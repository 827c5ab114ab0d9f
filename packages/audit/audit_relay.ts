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
  /** Outbox rows (group commits) per round. */
  batchSize?: number;
  /** Idle wait between looks at the outbox (commits also wake it). */
  pollMs?: number;
}

/** How long a wake waits, so that a busy service publishes many group commits per round. */
const LINGER_MS = 200;

/**
 * Publishes the outbox's records to topic `audit` in order (JSON, key = record id) and deletes
 * them once the broker has them. While the broker is down they wait; they leave when it returns.
 * A wake lingers {@linkcode LINGER_MS} ms, so under load one round (one transaction, one produce
 * request) carries what many requests recorded.
 */
export function createAuditRelay(options: AuditRelayOptions): PollingWorker {
  const { sql, publisher, logger } = options;
  const worker = createPollingWorker({
    name: "audit relay",
    logger,
    pollMs: options.pollMs ?? 1_000,
    round: () =>
      publishQueuedAuditRecords(sql, options.batchSize ?? 100, async (records) => {
        await publisher.publish(records.map((r) => ({
          key: r.recordId,
          // A Buffer, as kafkajs expects (a bare Uint8Array is encoded wrongly).
          value: Buffer.from(r.payload, "utf8"),
        })));
        logger.debug("audit records published", { count: records.length });
      }),
  });
  let lingering: ReturnType<typeof setTimeout> | undefined;
  return {
    start: () => worker.start(),
    wake() {
      lingering ??= setTimeout(() => {
        lingering = undefined;
        worker.wake();
      }, LINGER_MS);
    },
    async stop() {
      clearTimeout(lingering);
      await worker.stop();
    },
    get failures() {
      return worker.failures;
    },
  };
}
