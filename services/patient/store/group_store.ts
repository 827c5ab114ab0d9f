import type { Sql, Tx } from "@pms/db";
import { likePattern } from "./patient_store.ts";
import type { JsonPage, PageQuery } from "../domain/patient_record.ts";

/** What a group is. */
export type GroupKind = "FAMILY" | "OTHER";

/** A member's place in a group. */
export type Relationship =
  | "HEAD"
  | "SPOUSE"
  | "PARTNER"
  | "PARENT"
  | "CHILD"
  | "GUARDIAN"
  | "SIBLING"
  | "OTHER";

/** A group with its members, as the API shows it. */
export interface GroupRecord {
  id: string;
  name: string;
  kind: GroupKind;
  /** By name, then patient id; soft-deleted patients left out until restored. */
  members: MemberRecord[];
}

/** A member as the API shows it. */
export interface MemberRecord {
  patientId: string;
  name: string;
  relationship: Relationship;
}

/** What became of adding a member. */
export type AddOutcome =
  | { outcome: "added"; member: MemberRecord }
  | { outcome: "no-group" }
  | { outcome: "no-patient" }
  | { outcome: "already-member" };

/** What became of removing a member. */
export type RemoveOutcome = "removed" | "no-group" | "no-patient" | "not-member";

// Members whose patient is not deleted, by name then id, as JSON.
// (Correlated: in a query over `patient_groups`.)
const MEMBERS = (sql: Tx) =>
  sql`
    select coalesce(json_agg(json_build_object('patientId', p.id, 'name', p.name,
             'relationship', m.relationship) order by p.name, p.id), '[]'::json)
    from group_members m join patients p on p.id = m.patient_id and p.deleted_at is null
    where m.group_id = patient_groups.id`;

/** Creates a group (no members yet). */
export async function insertGroup(
  tx: Tx,
  group: { id: string; name: string; kind: GroupKind },
): Promise<GroupRecord> {
  await tx`insert into patient_groups (id, name, kind)
           values (${group.id}, ${group.name}, ${group.kind})`;
  return { ...group, members: [] };
}

/**
 * A page of groups (`{"id","name","kind","memberCount"}`, by name then id) as JSON, and the
 * total; `search` is a case-insensitive part of the name.
 */
export async function listGroups(sql: Sql, query: PageQuery): Promise<JsonPage> {
  const where = query.search
    ? sql`where lower(name) like lower(${likePattern(query.search)})`
    : sql``;
  const [row] = await sql<{ json: string; total: number }[]>`
    select coalesce(json_agg(g order by g.name, g.id), '[]')::text as json,
           (select count(*) from patient_groups ${where})::int as total
    from (select id, name, kind,
            (select count(*) from group_members m join patients p on p.id = m.patient_id
             where m.group_id = patient_groups.id and p.deleted_at is null)::int as "memberCount"
          from patient_groups ${where}
          order by name, id limit ${query.size} offset ${query.page * query.size}) g`;
  return { json: row?.json ?? "[]", total: row?.total ?? 0 };
}

/** A group with its members, or undefined. */
export async function findGroup(sql: Tx, id: string): Promise<GroupRecord | undefined> {
  const [row] = await sql<GroupRecord[]>`
    select id, name, kind, (${MEMBERS(sql)}) as members
    from patient_groups where id = ${id}`;
  return row;
}

/** Renames a group; undefined when there is none. */
export async function renameGroup(
  tx: Tx,
  id: string,
  name: string,
): Promise<GroupRecord | undefined> {
  const [row] = await tx<GroupRecord[]>`
    update patient_groups set name = ${name}, updated_at = now() where id = ${id}
    returning id, name, kind, (${MEMBERS(tx)}) as members`;
  return row;
}

/**
 * Deletes a group and its memberships (never the patients): the ids of its members, or
 * undefined when there is no such group.
 */
export async function deleteGroup(tx: Tx, id: string): Promise<string[] | undefined> {
  const [row] = await tx<{ members: string[] }[]>`
    with m as (select patient_id from group_members where group_id = ${id}),
    d as (delete from patient_groups where id = ${id} returning id)
    select array(select patient_id::text from m) as members from d`;
  return row?.members;
}

/**
 * Adds a patient (not deleted) to a group, once: of concurrent adds of one patient exactly one
 * inserts, the others find it a member.
 */
export async function addMember(
  tx: Tx,
  member: { groupId: string; patientId: string; relationship: Relationship; addedBy: string },
): Promise<AddOutcome> {
  // `for key share` keeps the group and the patient from going away before the insert commits.
  const [row] = await tx<{ groupFound: boolean; name: string | null; added: boolean }[]>`
    with g as (select id from patient_groups where id = ${member.groupId} for key share),
    p as (select id, name from patients
          where id = ${member.patientId} and deleted_at is null for key share),
    i as (insert into group_members (group_id, patient_id, relationship, added_by)
          select g.id, p.id, ${member.relationship}, ${member.addedBy} from g, p
          on conflict do nothing returning patient_id)
    select exists (select 1 from g) as "groupFound", (select name from p) as name,
           exists (select 1 from i) as added`;
  if (!row?.groupFound) return { outcome: "no-group" };
  if (row.name === null) return { outcome: "no-patient" };
  if (!row.added) return { outcome: "already-member" };
  return {
    outcome: "added",
    member: { patientId: member.patientId, name: row.name, relationship: member.relationship },
  };
}

/** Removes a patient (not deleted) from a group. */
export async function removeMember(
  tx: Tx,
  groupId: string,
  patientId: string,
): Promise<RemoveOutcome> {
  const [row] = await tx<{ groupFound: boolean; patientFound: boolean; removed: boolean }[]>`
    with d as (delete from group_members m using patients p
               where m.group_id = ${groupId} and m.patient_id = ${patientId}
                 and p.id = m.patient_id and p.deleted_at is null
               returning m.patient_id)
    select exists (select 1 from patient_groups where id = ${groupId}) as "groupFound",
           exists (select 1 from patients where id = ${patientId} and deleted_at is null)
             as "patientFound",
           exists (select 1 from d) as removed`;
  if (!row?.groupFound) return "no-group";
  if (!row.patientFound) return "no-patient";
  return row.removed ? "removed" : "not-member";
}

/**
 * A patient's groups (`{"id","name","kind","relationship"}`, by name then id) as JSON;
 * undefined when the patient does not exist or is deleted.
 */
export async function listPatientGroups(sql: Sql, patientId: string): Promise<string | undefined> {
  const [row] = await sql<{ found: boolean; json: string }[]>`
    select exists (select 1 from patients where id = ${patientId} and deleted_at is null) as found,
      coalesce(json_agg(json_build_object('id', g.id, 'name', g.name, 'kind', g.kind,
        'relationship', m.relationship) order by g.name, g.id), '[]')::text as json
    from group_members m join patient_groups g on g.id = m.group_id
    where m.patient_id = ${patientId}`;
  return row?.found ? row.json : undefined;
}
