import { withConnection } from "@pms/db";
import type { Logger } from "@pms/log";
import { createPollingWorker, type PollingWorker } from "@pms/worker";
import { type AuditStore, createAuditStore } from "../store/audit_store.ts";

const DAY_MS = 86_400_000;

/** Options for {@linkcode createRetentionWorker}. */
export interface RetentionOptions {
  /** The service's store: prunes when there is no owner login (it then owns the records). */
  store: AuditStore;
  /** Records older than this many days are pruned. */
  days: number;
  /**
   * The database's owner login (`DATABASE_OWNER_URL`): each round prunes on a connection of its
   * own, opened for the round, since the service's login may not delete.
   */
  ownerUrl?: string;
  /** Where pruned counts and failed rounds are reported. */
  logger: Logger;
}

/**
 * Retention: once a day, prunes records older than `days` (the newest record always stays: it
 * anchors the chain), as the owner when `ownerUrl` is given. Only started when
 * `AUDIT_RETENTION_DAYS` is above 0.
 */
export function createRetentionWorker(options: RetentionOptions): PollingWorker {
  const { store, days, ownerUrl, logger } = options;
  const prune = (cutoff: Date) =>
    ownerUrl
      ? withConnection(ownerUrl, (sql) => createAuditStore(sql).prune(cutoff), {
        applicationName: "pms-audit-retention",
      })
      : store.prune(cutoff);
  return createPollingWorker({
    name: "audit retention",
    logger,
    pollMs: DAY_MS,
    round: async () => {
      const pruned = await prune(new Date(Date.now() - days * DAY_MS));
      if (pruned > 0) logger.info("audit records past retention pruned", { pruned, days });
      // Zero: the next round waits a day (a positive count would run again at once).
      return 0;
    },
  });
}
