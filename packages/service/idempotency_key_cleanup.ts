import type { IdempotencyStore } from "@pms/http";
import type { Logger } from "@pms/log";
import { createPollingWorker, type PollingWorker } from "@pms/worker";

/**
 * The worker that deletes the `Idempotency-Key`s older than `IDEMPOTENCY_TTL_SECONDS`, and the
 * answers kept with them, every ten minutes.
 */
export function idempotencyKeyCleanup(keys: IdempotencyStore, logger: Logger): PollingWorker {
  return createPollingWorker({
    name: "idempotency key cleanup",
    logger,
    pollMs: 10 * 60_000,
    round: () => keys.deleteExpired(),
  });
}
