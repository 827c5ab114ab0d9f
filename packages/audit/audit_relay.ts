import { Buffer } from "node:buffer";
import type { Sql } from "@pms/db";
import type { EventPublisher, OutgoingMessage } from "@pms/events";
import type { Logger } from "@pms/log";
import { createPollingWorker, type PollingWorker } from "@pms/worker";
import {
  publishQueuedAuditRecords,
  type QueuedAuditRecord,
  RecentOutboxRows,
} from "./audit_outbox.ts";

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

/** The relay: a polling worker that can also be handed the rows its process just committed. */
export interface AuditRelay extends PollingWorker {
  /**
   * Wakes the relay; with a row this process committed (the recorder's group commit), the relay
   * publishes its records from memory instead of reading the row back.
   */
  wake(committed?: { id: string; lines: string }): void;
}

/** How long a wake waits, so that a busy service publishes many group commits per round. */
const LINGER_MS = 200;

/**
 * The most payload bytes in one produce request. A topic takes batches of up to 1 MB per
 * partition (`max.message.bytes`); a round after a broker outage can hold far more.
 */
const MAX_REQUEST_BYTES = 512 * 1024;

/** The records as messages, in runs of at most {@linkcode MAX_REQUEST_BYTES}, in order. */
function* requestsOf(records: QueuedAuditRecord[]): Generator<OutgoingMessage[]> {
  let run: OutgoingMessage[] = [];
  let bytes = 0;
  for (const record of records) {
    // A Buffer, as kafkajs expects (a bare Uint8Array is encoded wrongly).
    const value = Buffer.from(record.payload, "utf8");
    if (run.length > 0 && bytes + value.length > MAX_REQUEST_BYTES) {
      yield run;
      run = [];
      bytes = 0;
    }
    run.push({ key: record.recordId, value });
    bytes += value.length;
  }
  if (run.length > 0) yield run;
}

/**
 * Publishes the outbox's records to topic `audit` in order (JSON, key = record id) and deletes
 * them once the broker has them. While the broker is down they wait; they leave when it returns.
 * A wake lingers {@linkcode LINGER_MS} ms, and a round that empties the outbox waits for the next
 * wake: under load one round (one transaction, one produce request) carries what many requests
 * recorded in that time, not only what was committed while the round before ran. Only a round
 * that took its whole `batchSize` goes on at once. Rows its own recorder committed are published
 * from memory (see {@linkcode RecentOutboxRows}); others (a change's, or after a restart) are read.
 */
export function createAuditRelay(options: AuditRelayOptions): AuditRelay {
  const { sql, publisher, logger } = options;
  const recent = new RecentOutboxRows();
  const batchSize = options.batchSize ?? 100;
  const worker = createPollingWorker({
    name: "audit relay",
    logger,
    pollMs: options.pollMs ?? 1_000,
    round: async () => {
      const round = await publishQueuedAuditRecords(sql, batchSize, async (records) => {
        for (const request of requestsOf(records)) await publisher.publish(request);
        logger.debug("audit records published", { count: records.length });
      }, recent);
      // A positive answer starts the next round at once: only when rows are left behind.
      return round.rows < batchSize ? 0 : round.records;
    },
  });
  let lingering: ReturnType<typeof setTimeout> | undefined;
  return {
    start: () => worker.start(),
    wake(committed) {
      if (committed) recent.add(committed.id, committed.lines);
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
