import type { Sql, Tx } from "@pms/db";
import type { Consent, ConsentScope } from "../domain/consent_schema.ts";

const MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** The current consent of each recorded scope of a patient. */
export async function currentConsents(sql: Sql, patientId: string): Promise<Consent[]> {
  const rows = await sql<Consent[]>`
    select distinct on (scope) scope, status, recorded_by as "recordedBy",
      to_char(recorded_at at time zone 'UTC', ${sql.unsafe(MS)}) as "recordedAt", version,
      to_char(min(recorded_at) over (partition by scope) at time zone 'UTC', ${sql.unsafe(MS)})
        as "createdAt",
      to_char(recorded_at at time zone 'UTC', ${sql.unsafe(MS)}) as "updatedAt"
    from patient_consents where patient_id = ${patientId}
    order by scope, version desc`;
  return [...rows];
}

/**
 * Records a new version of a scope's consent (the scope's next version, taken under the patient's
 * row lock the caller holds), in the caller's transaction.
 */
export async function insertConsent(
  tx: Tx,
  patientId: string,
  scope: ConsentScope,
  status: "GRANTED" | "DENIED",
  recordedBy: string,
): Promise<Consent> {
  const [row] = await tx<Consent[]>`
    with earlier as (
      select max(version) as version, min(recorded_at) as first
      from patient_consents where patient_id = ${patientId} and scope = ${scope}
    )
    insert into patient_consents (patient_id, scope, version, status, recorded_by)
    select ${patientId}, ${scope}, coalesce(version, 0) + 1, ${status}, ${recordedBy} from earlier
    returning scope, status, recorded_by as "recordedBy",
      to_char(recorded_at at time zone 'UTC', ${tx.unsafe(MS)}) as "recordedAt", version,
      to_char(coalesce((select first from earlier), recorded_at) at time zone 'UTC',
        ${tx.unsafe(MS)}) as "createdAt",
      to_char(recorded_at at time zone 'UTC', ${tx.unsafe(MS)}) as "updatedAt"`;
  return row!;
}
