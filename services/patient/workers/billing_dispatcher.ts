import { grpcStatusOf, isRetryableGrpcError, MAX_CALLS_PER_ROUND } from "@pms/billing-api";
import type { Sql } from "@pms/db";
import type { Logger } from "@pms/log";
import { retryOrPark } from "@pms/retry";
import { activeTraceparent, inSpan, parseTraceparent } from "@pms/trace";
import { createPollingWorker, type PollingWorker } from "@pms/worker";
import {
  type BillingOutcome,
  type BillingRequest,
  processDueBillingRequests,
} from "../store/billing_request_store.ts";

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
  /** Idle wait between looks (new requests also wake it through LISTEN/NOTIFY). */
  pollMs: number;
  /** First retry delay of a request; doubled per failed attempt, capped at `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
}

/**
 * Opens the billing account of every created patient: takes due requests from their table,
 * `MAX_CALLS_PER_ROUND` at a time, calls billing (with the client's deadline), deletes a request
 * once billing answers, and otherwise schedules it again with exponential backoff and jitter — for
 * as long as it takes, so a billing outage delays accounts but never loses one. Billing returns the
 * existing account on a repeated call, so a retry after a lost answer makes no second account. A
 * request billing refuses for good (`INVALID_ARGUMENT` and other non-retryable statuses) is parked
 * with its error instead of retried forever.
 */
export function createBillingDispatcher(options: BillingDispatcherOptions): PollingWorker {
  const { sql, billing, logger } = options;
  const failed = retryOrPark({
    ...options,
    parkedMessage: "billing refused the request; parked, not retried",
    retryMessage: "billing account not opened yet; will retry",
  });

  async function open(request: BillingRequest): Promise<BillingOutcome> {
    const traceId = parseTraceparent(request.traceparent)?.traceId;
    const attempts = request.attempts + 1;
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
        attempts,
        traceId,
      });
      return { done: true };
    } catch (error) {
      const refused = grpcStatusOf(error) !== undefined && !isRetryableGrpcError(error);
      return failed({
        error,
        attempts,
        refused,
        fields: { patientId: request.patientId, traceId },
      });
    }
  }

  return createPollingWorker({
    name: "billing dispatcher",
    logger,
    pollMs: options.pollMs,
    round: () =>
      processDueBillingRequests(
        sql,
        MAX_CALLS_PER_ROUND,
        (requests) => Promise.all(requests.map(open)),
      ),
  });
}
