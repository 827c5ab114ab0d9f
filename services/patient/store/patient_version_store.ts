import type { Sql } from "@pms/db";
import type { PatientRecord } from "../domain/patient_record.ts";

/** One version of a patient, as its history row keeps it. */
export interface PatientVersion {
  version: number;
  /** RFC 3339 UTC, milliseconds. */
  changedAt: string;
  change: "CREATED" | "UPDATED" | "DELETED" | "RESTORED" | "MERGED" | "MERGED_INTO" | "UNMERGED";
  /** The patient after the change (for a `DELETED` one: as it was deleted). */
  patient: PatientRecord;
}

const VERSION_COLUMNS = (sql: Sql) =>
  sql`version,
      to_char(changed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "changedAt",
      change, patient`;

/** One version of a patient, or undefined when the patient never had it. */
export async function findVersion(
  sql: Sql,
  id: string,
  version: number,
): Promise<PatientVersion | undefined> {
  const [row] = await sql<PatientVersion[]>`
    select ${VERSION_COLUMNS(sql)} from patient_history
    where patient_id = ${id} and version = ${version}`;
  return row;
}

/** A patient's versions, newest first, `limit` of them from `offset`, and how many there are. */
export async function listVersions(
  sql: Sql,
  id: string,
  page: { offset: number; limit: number },
): Promise<{ versions: PatientVersion[]; total: number }> {
  const [versions, [count]] = await Promise.all([
    sql<PatientVersion[]>`
      select ${VERSION_COLUMNS(sql)} from patient_history where patient_id = ${id}
      order by version desc limit ${page.limit} offset ${page.offset}`,
    sql<{ total: number }[]>`
      select count(*)::int as total from patient_history where patient_id = ${id}`,
  ]);
  return { versions: [...versions], total: count?.total ?? 0 };
}
