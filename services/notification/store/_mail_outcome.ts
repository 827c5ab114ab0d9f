import type { Fragment, Sql } from "@pms/db";

/**
 * The `status, reason` a new mail about `patient` to `email` is recorded with: `SKIPPED` with
 * reason `CONSENT` when the patient has denied EMAIL (whether or not mail can be sent at all),
 * `PENDING` when there is an address and mail can be sent, else `SKIPPED` without a reason.
 * `patient` and `email` are column references or parameters of the insert's `select`. With
 * `known` (true when the patient's contact has arrived), a mail whose patient is not known yet
 * waits for the address, `PENDING` without a recipient (see `claimDue`).
 */
export function mailOutcome(
  sql: Sql,
  patient: Fragment,
  email: Fragment,
  canSend: boolean,
  known?: Fragment,
): Fragment {
  const denied = sql`exists (
    select 1 from consents d where d.patient_id = ${patient} and d.scope = 'EMAIL' and d.denied)`;
  const awaiting = known ? sql`when not ${known} and ${canSend}::boolean then 'PENDING'` : sql``;
  return sql`
    case when ${denied} then 'SKIPPED'
      when nullif(${email}, '') is not null and ${canSend}::boolean then 'PENDING'
      ${awaiting}
      else 'SKIPPED' end,
    case when ${denied} then 'CONSENT' end`;
}
