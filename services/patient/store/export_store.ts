import type { Sql, Tx } from "@pms/db";
import type { PatientRecord } from "../domain/patient_record.ts";

/** An export job as its status call reports it. */
export interface ExportJob {
  id: string;
  request: string;
  types: string[];
  since: Date | null;
  groupId: string | null;
  status: "RUNNING" | "DONE" | "FAILED";
  progress: string;
  transactionTime: Date;
  errors: { type: string; message: string }[];
  expiresAt: Date;
}

/** Records a new job (status RUNNING). */
export async function insertExportJob(
  sql: Sql,
  job: {
    id: string;
    requestedBy: string;
    request: string;
    types: string[];
    since: Date | null;
    groupId: string | null;
    ttlHours: number;
  },
): Promise<void> {
  await sql`
    insert into export_jobs (id, requested_by, request, types, since, group_id, expires_at)
    values (${job.id}, ${job.requestedBy}, ${job.request}, ${job.types}::text[], ${job.since},
      ${job.groupId}, now() + make_interval(hours => ${job.ttlHours}))`;
}

/** A job that has not expired, or undefined. */
export async function findExportJob(sql: Sql, id: string): Promise<ExportJob | undefined> {
  const [row] = await sql<ExportJob[]>`
    select id::text, request, types, since, group_id::text as "groupId", status, progress,
      transaction_time as "transactionTime", errors, expires_at as "expiresAt"
    from export_jobs where id = ${id} and expires_at > now()`;
  return row;
}

/** Each type's resource count and number of parts. */
export async function exportOutputs(
  sql: Sql,
  id: string,
): Promise<{ type: string; count: number }[]> {
  const rows = await sql<{ type: string; count: number }[]>`
    select type, sum(lines)::int as count from export_parts where job_id = ${id}
    group by type order by type`;
  return [...rows];
}

/** Appends a part of `type`'s file (in the caller's transaction, with its audit records). */
export async function insertExportPart(
  tx: Tx,
  id: string,
  type: string,
  part: number,
  lines: string[],
): Promise<void> {
  await tx`
    insert into export_parts (job_id, type, part, lines, ndjson)
    values (${id}, ${type}, ${part}, ${lines.length}, ${lines.join("\n") + "\n"})`;
}

/** Sets a running job's progress; false when the job is gone (cancelled). */
export async function setExportProgress(sql: Sql, id: string, progress: string): Promise<boolean> {
  const rows = await sql`
    update export_jobs set progress = ${progress} where id = ${id} and status = 'RUNNING'`;
  return rows.count > 0;
}

/** Ends a job. */
export async function finishExportJob(
  sql: Sql,
  id: string,
  status: "DONE" | "FAILED",
  errors: { type: string; message: string }[],
): Promise<void> {
  await sql`
    update export_jobs set status = ${status}, errors = ${JSON.stringify(errors)}::jsonb,
      finished_at = now(), progress = ${status === "DONE" ? "done" : "failed"}
    where id = ${id}`;
}

/** Deletes a job and its files; false when there was none. */
export async function deleteExportJob(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql`delete from export_jobs where id = ${id}`;
  return rows.count > 0;
}

/** Deletes expired jobs and their files; resolves with how many went. */
export async function sweepExportJobs(sql: Sql): Promise<number> {
  const rows = await sql`delete from export_jobs where expires_at <= now()`;
  return rows.count;
}

/** Jobs left RUNNING by an instance that stopped: FAILED, their partial files kept for no one. */
export async function failInterruptedJobs(sql: Sql): Promise<void> {
  await sql`
    update export_jobs set status = 'FAILED', progress = 'interrupted', finished_at = now(),
      errors = '[{"type":"OperationOutcome","message":"The export was interrupted; start it again"}]'
    where status = 'RUNNING'`;
}

/** A file's parts in order, for streaming: each part's NDJSON text. */
export async function* exportFile(sql: Sql, id: string, type: string): AsyncGenerator<string> {
  for (let part = 0;; part++) {
    const [row] = await sql<{ ndjson: string }[]>`
      select ndjson from export_parts where job_id = ${id} and type = ${type} and part = ${part}`;
    if (!row) return;
    yield row.ndjson;
  }
}

/** Whether a job has a file of `type`. */
export async function hasExportFile(sql: Sql, id: string, type: string): Promise<boolean> {
  const [row] = await sql`
    select 1 from export_parts p join export_jobs j on j.id = p.job_id
    where p.job_id = ${id} and p.type = ${type} and j.expires_at > now() limit 1`;
  return row !== undefined;
}

/**
 * The next batch of exportable patients after `afterId` (in id order): not deleted, not merged,
 * not restricted, not DATA_SHARING-denied (the latest consent of the scope), in the group when
 * one is given, changed since `since` when given.
 */
export async function exportablePatients(
  sql: Sql,
  options: { afterId: string; limit: number; groupId: string | null; since: Date | null },
) {
  return await sql<(PatientRecord & { changed: boolean })[]>`
    select p.id, p.name, p.email, p.address, p.date_of_birth::text as "dateOfBirth",
      p.registered_date::text as "registeredDate", p.version, p.updated_at_text as "updatedAt",
      (${options.since}::timestamptz is null or p.updated_at >= ${options.since}) as changed
    from patients p
    where p.id > ${options.afterId}::uuid and p.deleted_at is null and p.merged_into is null
      and not exists (select 1 from patient_restrictions r where r.patient_id = p.id)
      and not exists (
        select 1 from patient_consents c
        where c.patient_id = p.id and c.scope = 'DATA_SHARING' and c.status = 'DENIED'
          and c.version = (select max(version) from patient_consents c2
                           where c2.patient_id = p.id and c2.scope = 'DATA_SHARING'))
      and (${options.groupId}::uuid is null or exists (
        select 1 from group_members m where m.group_id = ${options.groupId} and m.patient_id = p.id))
    order by p.id
    limit ${options.limit}`;
}
