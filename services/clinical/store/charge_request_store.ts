import type { Sql } from "@pms/db";

/** A finished encounter's charges waiting for billing. */
export interface ChargeRequest {
  id: string;
  patientId: string;
  /** `YYYY-MM-DD`. */
  serviceDate: string;
  charges: { code: string; description: string; amount: { amount: number; currency: string } }[];
  attempts: number;
}

/** What became of one request: sent, retried at `retryAt`, or parked with its error. */
export type ChargeOutcome =
  | { done: true }
  | { done: false; error: string; retryAt?: Date; parked?: boolean };

/**
 * Takes up to `limit` due requests (rows locked, skipped by other instances), hands them to
 * `send`, and records each outcome, in one transaction. Returns how many it handled.
 */
export async function processDueChargeRequests(
  sql: Sql,
  limit: number,
  send: (requests: ChargeRequest[]) => Promise<ChargeOutcome[]>,
): Promise<number> {
  return await sql.begin(async (tx) => {
    const requests = await tx<ChargeRequest[]>`
      select id::text, patient_id::text as "patientId",
             to_char(service_date, 'YYYY-MM-DD') as "serviceDate", charges, attempts
      from charge_requests
      where sent_at is null and next_attempt_at <= now()
      order by next_attempt_at limit ${limit} for update skip locked`;
    if (requests.length === 0) return 0;
    const outcomes = await send([...requests]);
    for (const [i, request] of requests.entries()) {
      const outcome = outcomes[i]!;
      if (outcome.done) {
        await tx`update charge_requests set sent_at = now(), attempts = attempts + 1,
                   last_error = null where id = ${request.id}`;
      } else {
        await tx`update charge_requests set attempts = attempts + 1, last_error = ${outcome.error},
                   next_attempt_at = ${outcome.parked ? new Date("9999-12-31") : outcome.retryAt!}
                 where id = ${request.id}`;
      }
    }
    return requests.length;
  }) as number;
}
