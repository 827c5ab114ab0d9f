import { status } from "@grpc/grpc-js";
import { grpcStatusOf, isRetryableGrpcError, MAX_CALLS_PER_ROUND } from "@pms/billing-api";
import type { AddChargesRequest, AddChargesResponse } from "@pms/billing-api";
import type { Sql } from "@pms/db";
import type { Logger } from "@pms/log";
import { retryOrPark } from "@pms/retry";
import { createPollingWorker, type PollingWorker } from "@pms/worker";
import {
  type ChargeOutcome,
  type ChargeRequest,
  processDueChargeRequests,
} from "../store/charge_request_store.ts";

/** What the dispatcher calls: billing's `AddCharges` (once per request id). */
export interface BillingCharges {
  addCharges(request: AddChargesRequest): Promise<AddChargesResponse>;
}

/** Options for {@linkcode createChargeDispatcher}. */
export interface ChargeDispatcherOptions {
  sql: Sql;
  billing: BillingCharges;
  logger: Logger;
  /** Idle wait between looks. */
  pollMs: number;
  /** First retry delay of a request; doubled per failed attempt, capped at `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
}

// NOT_FOUND is worth retrying too: the patient's billing account is opened asynchronously.
const PARKED = new Set<number>([
  status.INVALID_ARGUMENT,
  status.FAILED_PRECONDITION,
  status.PERMISSION_DENIED,
]);

/**
 * Sends finished encounters' charges to billing: takes due requests from `charge_requests`
 * (`MAX_CALLS_PER_ROUND` at a time), calls `AddCharges` with the request's id (billing records each
 * id once, so a retry after a lost answer charges nothing twice), marks a request sent once billing
 * answers, and otherwise retries it with exponential backoff and jitter for as long as billing is
 * away. A request billing refuses for good (a bad field, another currency) is parked with its
 * error.
 */
export function createChargeDispatcher(options: ChargeDispatcherOptions): PollingWorker {
  const { sql, billing, logger } = options;
  const failed = retryOrPark({
    ...options,
    parkedMessage: "billing refused the charges; parked, not retried",
    retryMessage: "charges not sent yet; will retry",
  });

  async function send(request: ChargeRequest): Promise<ChargeOutcome> {
    const attempts = request.attempts + 1;
    try {
      await billing.addCharges({
        requestId: request.id,
        patientId: request.patientId,
        serviceDate: request.serviceDate,
        charges: request.charges.map((c) => ({
          code: c.code,
          description: c.description,
          amount: c.amount.amount,
          currency: c.amount.currency,
        })),
      });
      logger.info("charges sent to billing", { requestId: request.id, attempts });
      return { done: true };
    } catch (error) {
      const code = grpcStatusOf(error);
      const refused = code !== undefined && !isRetryableGrpcError(error) && PARKED.has(code);
      return failed({ error, attempts, refused, fields: { requestId: request.id } });
    }
  }

  return createPollingWorker({
    name: "charge dispatcher",
    logger,
    pollMs: options.pollMs,
    round: () =>
      processDueChargeRequests(
        sql,
        MAX_CALLS_PER_ROUND,
        (requests) => Promise.all(requests.map(send)),
      ),
  });
}
