import type { Sql } from "@pms/db";
import type { Logger } from "@pms/log";
import { activeTraceparent, inSpan, parseTraceparent } from "@pms/trace";
import { createPollingWorker, type PollingWorker } from "@pms/worker";
import { type BillingOutcome, processDueBillingRequests } from "../store/outbox_store.ts";

/** What the dispatcher calls: billing's `CreateBillingAccount` (idempotent per patient). */
export interface BillingAccounts {
  createBillingAccount(
    request: { patientId: string; name: string; email: string },
    options?: { traceparent?: string },
  ): Promise<{ accountId: string; status: string }>;
}

/** Options for {@linkcode createBillingDispatcher}. */
export interface BillingDispatcherOptions {
  sql: Sql;
  billing: BillingAccounts;
  logger: Logger;
  /** Requests handled per round (called concurrently). */
  batchSize: number;
  /** Idle wait between looks (new requests also wake it through LISTEN/NOTIFY). */
  pollMs: number;
  /** First retry delay of a request; doubled per failed attempt, capped at `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
}

/**
 * Opens the billing account of every created patient: takes due requests from the outbox table,
 * calls billing (with the client's deadline), deletes a request once billing answers, and
 * otherwise schedules it again with exponential backoff and jitter — for as long as it takes, so
 * a billing outage delays accounts but never loses one. Billing returns the existing account on
 * a repeated call, so a retry after a lost answer makes no second account.
 */
export function createBillingDispatcher(options: BillingDispatcherOptions): PollingWorker {
  const { sql, billing, logger } = options;
  return createPollingWorker({
    name: "billing dispatcher",
    logger,
    pollMs: options.pollMs,
    round: () =>
      processDueBillingRequests(
        sql,
        options.batchSize,
        (requests) =>
          Promise.all(requests.map(async (request): Promise<BillingOutcome> => {
            const traceId = parseTraceparent(request.traceparent)?.traceId;
            try {
              const { accountId } = await inSpan(
                "BillingService/CreateBillingAccount",
                "client",
                request.traceparent,
                () =>
                  billing.createBillingAccount(
                    { patientId: request.patientId, name: request.name, email: request.email },
                    { traceparent: activeTraceparent() ?? request.traceparent ?? undefined },
                  ),
              );
              logger.info("billing account opened", {
                patientId: request.patientId,
                accountId,
                attempts: request.attempts + 1,
                traceId,
              });
              return { done: true };
            } catch (error) {
              const base = Math.min(
                options.retryBaseMs * 2 ** request.attempts,
                options.retryMaxMs,
              );
              const delay = Math.round(base * (0.5 + Math.random() / 2));
              const message = error instanceof Error ? error.message : String(error);
              // The first failure and every tenth: an outage must not flood the log.
              if (request.attempts % 10 === 0) {
                logger.warn("billing account not opened yet; will retry", {
                  patientId: request.patientId,
                  attempts: request.attempts + 1,
                  retryInMs: delay,
                  reason: message,
                  traceId,
                });
              }
              return {
                done: false,
                error: message.slice(0, 500),
                retryAt: new Date(Date.now() + delay),
              };
            }
          })),
      ),
  });
}
