import type { Logger } from "@pms/log";
import { createPollingWorker, type PollingWorker } from "@pms/worker";
import type { AuditStore } from "../store/audit_store.ts";

const DAY_MS = 86_400_000;

/**
 * Retention: once a day, prunes records older than `days` (the newest record always stays: it
 * anchors the chain). Only started when `AUDIT_RETENTION_DAYS` is above 0.
 */
export function createRetentionWorker(
  store: AuditStore,
  days: number,
  logger: Logger,
): PollingWorker {
  return createPollingWorker({
    name: "audit retention",
    logger,
    pollMs: DAY_MS,
    round: async () => {
      const pruned = await store.prune(new Date(Date.now() - days * DAY_MS));
      if (pruned > 0) logger.info("audit records past retention pruned", { pruned, days });
      // Zero: the next round waits a day (a positive count would run again at once).
      return 0;
    },
  });
}
