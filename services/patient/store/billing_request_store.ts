import type { Sql, Tx } from "@pms/db";

/** Channel notified (at commit) when a billing account is to be opened. */
export const BILLING_CHANNEL = "patient_billing";

/** A billing account waiting to be opened. */
export interface BillingRequest {
  patientId: string;
  name: string;
  email: string;
  traceparent: string | null;
  /** Failed attempts so far. */
  attempts: number;
}

/**
 * What became of one billing request: done; to be tried again at `retryAt`; or parked for good
 * (billing refused it as invalid, so repeating it cannot help).
 */
export type BillingOutcome =
  | { done: true }
  | { done: false; error: string; retryAt: Date }
  | { done: false; error: string; parked: true };

/**
 * The insert of billing requests, as a fragment for the caller's statement (the outbox queues
 * them in the same statement as the events). The statement's text is the same for any number of
 * requests. A repeated patient id changes nothing.
 */
export function insertBillingRequests(tx: Tx, requests: Omit<BillingRequest, "attempts">[]) {
  return tx`
    insert into billing_requests (patient_id, name, email, traceparent)
    select * from unnest(
      ${requests.map((r) => r.patientId)}::uuid[], ${requests.map((r) => r.name)}::text[],
      ${requests.map((r) => r.email)}::text[], ${requests.map((r) => r.traceparent)}::text[])
    on conflict (patient_id) do nothing`;
}

/**
 * Claims up to `limit` due billing requests (rows locked, skipped by other instances), hands
 * them to `open`, and records each outcome: deleted when done, parked with its error, or the
 * error and the time of the next attempt. Resolves with the number of requests handled.
 */
export function processDueBillingRequests(
  sql: Sql,
  limit: number,
  open: (requests: BillingRequest[]) => Promise<BillingOutcome[]>,
): Promise<number> {
  return sql.begin(async (tx) => {
    const requests = await tx<BillingRequest[]>`
      select patient_id as "patientId", name, email, traceparent, attempts
      from billing_requests where next_attempt_at <= now() and parked_at is null
      order by next_attempt_at limit ${limit} for update skip locked`;
    if (requests.length === 0) return 0;
    const outcomes = await open([...requests]);
    const done = requests.filter((_, i) => outcomes[i]?.done).map((r) => r.patientId);
    if (done.length > 0) {
      await tx`delete from billing_requests where patient_id = any(${done}::uuid[])`;
    }
    for (const [i, request] of requests.entries()) {
      const outcome = outcomes[i];
      if (!outcome || outcome.done) continue;
      if ("parked" in outcome) {
        await tx`
          update billing_requests set attempts = attempts + 1, last_error = ${outcome.error},
            parked_at = now()
          where patient_id = ${request.patientId}`;
        continue;
      }
      await tx`
        update billing_requests set attempts = attempts + 1, last_error = ${outcome.error},
          next_attempt_at = ${outcome.retryAt}
        where patient_id = ${request.patientId}`;
    }
    return requests.length;
  });
}
