import type { Sql, Tx } from "@pms/db";
import { COLUMNS } from "./_columns.ts";
import type { NewPatient, PatientRecord } from "../domain/patient_record.ts";

/** A patient as a merge sees it: its record, whether it is deleted, and its merge target. */
export type MergeSide = PatientRecord & { deleted: boolean; mergedInto: string | null };

/** One of a source's group memberships, as a merge keeps it to give it back. */
export interface Membership {
  groupId: string;
  relationship: string;
  addedAt: string;
  addedBy: string;
}

/** An open merge: what an unmerge needs. */
export interface MergeRecord {
  id: string;
  sourceId: string;
  targetId: string;
  sourceVersion: number;
  targetVersion: number;
  targetBefore: NewPatient;
  memberships: Membership[];
  joinedGroups: string[];
  /** Whole days since the merge. */
  ageDays: number;
}

/** The history row of a change written by the statement's `c` CTE. */
const HISTORY = (tx: Tx, changedBy: string, change: string) =>
  tx`
    insert into patient_history (patient_id, version, changed_at, changed_by, change, patient)
    select id, version, now(), ${changedBy}, ${change}, to_jsonb(c) - 'deleted' from c`;

/** Both patients, locked (in id order, so two merges of one pair never deadlock). */
export async function lockPair(tx: Tx, a: string, b: string): Promise<Map<string, MergeSide>> {
  const rows = await tx<MergeSide[]>`
    select ${COLUMNS(tx)}, deleted_at is not null as deleted, merged_into as "mergedInto"
    from patients where id in (${a}, ${b}) order by id for update`;
  return new Map(rows.map((row) => [row.id, row]));
}

/** Marks `source` merged into `target` (hidden as a deleted patient is), history `MERGED_INTO`. */
export async function markMerged(
  tx: Tx,
  source: string,
  target: string,
  changedBy: string,
): Promise<PatientRecord> {
  const [row] = await tx<PatientRecord[]>`
    with c as (
      update patients set merged_into = ${target}, deleted_at = now(), deleted_by = ${changedBy},
        version = version + 1, updated_at = now()
      where id = ${source}
      returning ${COLUMNS(tx)}),
    h as (${HISTORY(tx, changedBy, "MERGED_INTO")})
    select * from c`;
  return row!;
}

/** Brings a merged `source` back (history `UNMERGED`). */
export async function markUnmerged(
  tx: Tx,
  source: string,
  changedBy: string,
): Promise<PatientRecord> {
  const [row] = await tx<PatientRecord[]>`
    with c as (
      update patients set merged_into = null, deleted_at = null, deleted_by = null,
        version = version + 1, updated_at = now()
      where id = ${source}
      returning ${COLUMNS(tx)}),
    h as (${HISTORY(tx, changedBy, "UNMERGED")})
    select * from c`;
  return row!;
}

/** Sets a patient's fields as version + 1 with a history entry of `change`. */
export async function writeFields(
  tx: Tx,
  id: string,
  fields: NewPatient,
  changedBy: string,
  change: "MERGED" | "UNMERGED",
): Promise<PatientRecord> {
  const [row] = await tx<PatientRecord[]>`
    with c as (
      update patients set name = ${fields.name}, email = ${fields.email},
        address = ${fields.address}, date_of_birth = ${fields.dateOfBirth}::date,
        registered_date = ${fields.registeredDate}::date,
        version = version + 1, updated_at = now()
      where id = ${id}
      returning ${COLUMNS(tx)}),
    h as (${HISTORY(tx, changedBy, change)})
    select * from c`;
  return row!;
}

/** The source's memberships (kept to give back). */
export async function memberships(tx: Tx, patientId: string): Promise<Membership[]> {
  return [
    ...await tx<Membership[]>`
      select group_id as "groupId", relationship,
        to_char(added_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "addedAt",
        added_by as "addedBy"
      from group_members where patient_id = ${patientId} order by group_id`,
  ];
}

/**
 * Moves the source's memberships to the target (a group both are in keeps the target once):
 * the groups the target joined.
 */
export async function moveMemberships(tx: Tx, source: string, target: string): Promise<string[]> {
  const rows = await tx<{ groupId: string }[]>`
    with d as (delete from group_members where patient_id = ${source} returning *)
    insert into group_members (group_id, patient_id, relationship, added_at, added_by)
    select group_id, ${target}, relationship, added_at, added_by from d
    on conflict do nothing
    returning group_id as "groupId"`;
  return rows.map((row) => row.groupId);
}

/** Gives the source its memberships back and takes from the target the groups it joined. */
export async function restoreMemberships(tx: Tx, merge: MergeRecord): Promise<void> {
  await tx`
    delete from group_members
    where patient_id = ${merge.targetId} and group_id = any(${merge.joinedGroups}::uuid[])`;
  for (const m of merge.memberships) {
    // A group deleted since is not brought back.
    await tx`
      insert into group_members (group_id, patient_id, relationship, added_at, added_by)
      select id, ${merge.sourceId}, ${m.relationship}, ${m.addedAt}::timestamptz, ${m.addedBy}
      from patient_groups where id = ${m.groupId}
      on conflict do nothing`;
  }
}

/** Records a merge. */
export async function insertMerge(
  tx: Tx,
  merge: Omit<MergeRecord, "ageDays"> & { reason: string; mergedBy: string },
): Promise<void> {
  await tx`
    insert into patient_merges (id, source_id, target_id, reason, merged_by, source_version,
      target_version, target_before, memberships, joined_groups)
    values (${merge.id}, ${merge.sourceId}, ${merge.targetId}, ${merge.reason}, ${merge.mergedBy},
      ${merge.sourceVersion}, ${merge.targetVersion}, ${tx.json(merge.targetBefore)},
      ${tx.json(merge.memberships as unknown as Parameters<Tx["json"]>[0])},
      ${merge.joinedGroups}::uuid[])`;
}

/** The source's open merge, locked. */
export async function openMerge(tx: Tx, sourceId: string): Promise<MergeRecord | undefined> {
  const [row] = await tx<MergeRecord[]>`
    select id, source_id as "sourceId", target_id as "targetId",
      source_version as "sourceVersion", target_version as "targetVersion",
      target_before as "targetBefore", memberships, joined_groups::text[] as "joinedGroups",
      floor(extract(epoch from now() - merged_at) / 86400)::int as "ageDays"
    from patient_merges where source_id = ${sourceId} and unmerged_at is null for update`;
  return row;
}

/** Closes a merge as undone. */
export async function closeMerge(tx: Tx, id: string, by: string): Promise<void> {
  await tx`update patient_merges set unmerged_at = now(), unmerged_by = ${by} where id = ${id}`;
}

/** Where a patient stands in merges: the target it was merged into, the sources it replaces. */
export async function mergeLinks(
  sql: Sql,
  id: string,
): Promise<{ mergedInto: string | null; replaces: string[] }> {
  const [row] = await sql<{ mergedInto: string | null; replaces: string[] }[]>`
    select (select merged_into from patients where id = ${id}) as "mergedInto",
      array(select source_id::text from patient_merges
            where target_id = ${id} and unmerged_at is null order by source_id) as replaces`;
  return { mergedInto: row?.mergedInto ?? null, replaces: row?.replaces ?? [] };
}

/** Records that two patients are not the same person (once). */
export async function dismissPair(tx: Tx, a: string, b: string, by: string): Promise<void> {
  const [low, high] = a < b ? [a, b] : [b, a];
  await tx`
    insert into duplicate_dismissals (low_id, high_id, dismissed_by)
    values (${low}, ${high}, ${by}) on conflict do nothing`;
}
