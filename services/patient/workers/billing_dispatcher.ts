import { status } from "@grpc/grpc-js";
import {
  type BillingClient,
  grpcStatusOf,
  isRetryableGrpcError,
  MAX_ACCOUNTS_PER_CALL,
  MAX_CALLS_PER_ROUND,
} from "@pms/billing-api";
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

/**
 * What the dispatcher calls: billing's `CreateBillingAccounts` (a round's accounts in one call),
 * and `CreateBillingAccount` for a billing server without it; both idempotent per patient.
 */
export type BillingAccounts = Pick<BillingClient, "createBillingAccounts" | "createBillingAccount">;

/** While billing answers the batch call `UNIMPLEMENTED` (an older version), ask again after this. */
const SINGLE_CALLS_MS = 60_000;

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
 * `MAX_ACCOUNTS_PER_CALL` at a time, and opens their accounts with one `CreateBillingAccounts`
 * call (one stream on one channel: a call per account and a channel per ten calls made a billing
 * account cost more CPU than the create itself). A request is deleted once its account is open,
 * and otherwise scheduled again with exponential backoff and jitter — for as long as it takes, so
 * a billing outage delays accounts but never loses one. Billing returns the existing account on a
 * repeated call, so a retry after a lost answer makes no second account. A request billing refuses
 * for good (an item's own error, `INVALID_ARGUMENT` and other non-retryable statuses) is parked
 * with its error instead of retried forever. A billing server without the batch call (answering
 * `UNIMPLEMENTED`, as during a rolling deploy) gets `CreateBillingAccount` calls, at most
 * `MAX_CALLS_PER_ROUND` a round, for a minute before the batch call is tried again.
 */
export function createBillingDispatcher(options: BillingDispatcherOptions): PollingWorker {
  const { sql, billing, logger } = options;
  const failed = retryOrPark({
    ...options,
    parkedMessage: "billing refused the request; parked, not retried",
    retryMessage: "billing account not opened yet; will retry",
  });
  let singleCallsUntil = 0;

  const fail = (request: BillingRequest, error: unknown, refused?: boolean): BillingOutcome =>
    failed({
      error,
      attempts: request.attempts + 1,
      refused: refused ?? (grpcStatusOf(error) !== undefined && !isRetryableGrpcError(error)),
      fields: { patientId: request.patientId, traceId: traceIdOf(request) },
    });

  const opened = (request: BillingRequest, accountId: string): BillingOutcome => {
    logger.info("billing account opened", {
      patientId: request.patientId,
      accountId,
      attempts: request.attempts + 1,
      traceId: traceIdOf(request),
    });
    return { done: true };
  };

  async function openAll(requests: BillingRequest[]): Promise<BillingOutcome[]> {
    let results;
    try {
      ({ results } = await inSpan(
        "BillingService/CreateBillingAccounts",
        "client",
        undefined,
        () =>
          billing.createBillingAccounts({
            items: requests.map((r) => ({
              // Billing keeps no patient data but the id: the batch sends none.
              request: { patientId: r.patientId, name: "", email: "" },
              traceparent: r.traceparent ?? "",
            })),
          }, { traceparent: activeTraceparent() }),
      ));
    } catch (error) {
      if (grpcStatusOf(error) === status.UNIMPLEMENTED) {
        singleCallsUntil = Date.now() + SINGLE_CALLS_MS;
        logger.warn("billing has no CreateBillingAccounts; opening accounts one call each");
        return requests.map((r) => fail(r, error, false));
      }
      return requests.map((r) => fail(r, error));
    }
    return requests.map((request, i) => {
      const result = results[i];
      if (!result) return fail(request, new Error("billing answered fewer results than items"));
      if (result.error) return fail(request, new Error(result.error), true);
      return opened(request, result.accountId);
    });
  }

  async function openOne(request: BillingRequest): Promise<BillingOutcome> {
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
      return opened(request, accountId);
    } catch (error) {
      return fail(request, error);
    }
  }

  return createPollingWorker({
    name: "billing dispatcher",
    logger,
    pollMs: options.pollMs,
    round: () => {
      const single = Date.now() < singleCallsUntil;
      return processDueBillingRequests(
        sql,
        single ? MAX_CALLS_PER_ROUND : MAX_ACCOUNTS_PER_CALL,
        (requests) => single ? Promise.all(requests.map(openOne)) : openAll(requests),
      );
    },
  });
}

/** The trace id of the creation that queued `request`, for its log lines. */
function traceIdOf(request: BillingRequest): string | undefined {
  return parseTraceparent(request.traceparent)?.traceId;
}
