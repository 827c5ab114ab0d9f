import type { Sql, Tx } from "@pms/db";
import type { AccessDecision } from "@pms/patient_access";
import type { BreakGlassGrant, Restriction } from "../domain/restriction_schema.ts";

const MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** A restriction's columns as the API answers them (`updatedAt` is when it was last set). */
const columns = (sql: Sql | Tx) =>
  sql.unsafe(`patient_id::text as "patientId", allowed_user_ids as "allowedUserIds", reason,
    set_by as "setBy", to_char(set_at at time zone 'UTC', ${MS}) as "setAt", version,
    to_char(created_at at time zone 'UTC', ${MS}) as "createdAt",
    to_char(set_at at time zone 'UTC', ${MS}) as "updatedAt"`);

/** A patient's restriction, or undefined when the record is not restricted. */
export async function findRestriction(
  sql: Sql | Tx,
  patientId: string,
): Promise<Restriction | undefined> {
  const [row] = await sql<Restriction[]>`
    select ${columns(sql)} from patient_restrictions where patient_id = ${patientId}`;
  return row;
}

/**
 * Sets (or replaces) a patient's restriction, in the caller's transaction, one version past the
 * last it was given (also when it was cleared since).
 */
export async function upsertRestriction(
  tx: Tx,
  patientId: string,
  allowedUserIds: string[],
  reason: string,
  setBy: string,
): Promise<Restriction> {
  const [row] = await tx<Restriction[]>`
    with given as (
      insert into restriction_versions (patient_id, version) values (${patientId}, 1)
      on conflict (patient_id) do update set version = restriction_versions.version + 1
      returning version)
    insert into patient_restrictions (patient_id, allowed_user_ids, reason, set_by, version)
    values (${patientId}, ${allowedUserIds}::text[], ${reason}, ${setBy},
      (select version from given))
    on conflict (patient_id) do update set allowed_user_ids = excluded.allowed_user_ids,
      reason = excluded.reason, set_by = excluded.set_by, set_at = now(),
      version = excluded.version
    returning ${columns(tx)}`;
  return row!;
}

/** Clears a patient's restriction; false when there was none. */
export async function deleteRestriction(tx: Tx, patientId: string): Promise<boolean> {
  const rows = await tx`delete from patient_restrictions where patient_id = ${patientId}`;
  return rows.count > 0;
}

/** Records a break-glass grant lasting `minutes`, in the caller's transaction. */
export async function insertGrant(
  tx: Tx,
  grant: { patientId: string; userId: string; reason: string; justification: string },
  minutes: number,
): Promise<BreakGlassGrant> {
  const [row] = await tx<BreakGlassGrant[]>`
    insert into break_glass_grants (id, patient_id, user_id, reason, justification, expires_at)
    values (gen_random_uuid(), ${grant.patientId}, ${grant.userId}, ${grant.reason},
      ${grant.justification}, now() + make_interval(mins => ${minutes}))
    returning id::text as "grantId", patient_id::text as "patientId", user_id as "userId",
      reason, to_char(expires_at at time zone 'UTC', ${tx.unsafe(MS)}) as "expiresAt",
      1 as version, to_char(granted_at at time zone 'UTC', ${tx.unsafe(MS)}) as "createdAt",
      to_char(granted_at at time zone 'UTC', ${tx.unsafe(MS)}) as "updatedAt"`;
  return row!;
}

/**
 * Who may see which of `patientIds`: each restricted patient whose list does not name `userId`
 * is hidden, unless the user holds a live grant for it (then reported in `grants`). One indexed
 * statement; a page of unrestricted patients costs one probe of an empty-or-small table.
 */
export async function decideAccess(
  sql: Sql,
  userId: string,
  patientIds: string[],
): Promise<AccessDecision> {
  const decision: AccessDecision = { hidden: new Set(), grants: new Map() };
  if (patientIds.length === 0) return decision;
  const rows = await sql<{ id: string; grant: string | null }[]>`
    select r.patient_id::text as id, g.id::text as grant
    from patient_restrictions r
    left join lateral (
      select id from break_glass_grants g
      where g.patient_id = r.patient_id and g.user_id = ${userId} and g.expires_at > now()
      order by g.expires_at desc limit 1) g on true
    where r.patient_id = any(${patientIds}::uuid[])
      and not (${userId} = any(r.allowed_user_ids))`;
  for (const row of rows) {
    if (row.grant) decision.grants.set(row.id, row.grant);
    else decision.hidden.add(row.id);
  }
  return decision;
}

/** Every restriction and every live grant, for the in-memory copy of the access rules. */
export async function readAccessRules(sql: Sql): Promise<{
  restrictions: { patientId: string; allowedUserIds: string[] }[];
  grants: { patientId: string; userId: string; grantId: string; expiresAt: Date }[];
}> {
  const [restrictions, grants] = await Promise.all([
    sql<{ patientId: string; allowedUserIds: string[] }[]>`
      select patient_id::text as "patientId", allowed_user_ids as "allowedUserIds"
      from patient_restrictions`,
    sql<{ patientId: string; userId: string; grantId: string; expiresAt: Date }[]>`
      select patient_id::text as "patientId", user_id as "userId", id::text as "grantId",
        expires_at as "expiresAt"
      from break_glass_grants where expires_at > now()`,
  ]);
  return { restrictions: [...restrictions], grants: [...grants] };
}
