import type { Sql } from "@pms/db";
import type { JsonPage } from "@pms/http";

const MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** A break-glass grant as the review queue shows it. */
export interface BreakGlassEntry {
  grantId: string;
  patientId: string | null;
  userId: string | null;
  reason: string | null;
  justification: string | null;
  grantedAt: string;
  expiresAt: string | null;
  /** Calls made under the grant (records carrying `details.breakGlass` = the grant id). */
  accesses: number;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
  /** 1, then 2 once reviewed. */
  version: number;
  /** When it was granted. */
  createdAt: string;
  /** When it was reviewed, else when it was granted. */
  updatedAt: string;
}

/** The grants and reviews the trail holds, as the review queue reads them. */
export interface BreakGlassStore {
  /** A page of grants, newest first; `reviewed` filters on whether a review exists. */
  page(query: { reviewed?: boolean; page: number; size: number }): Promise<JsonPage>;
  /** One grant, or undefined when the trail holds no such grant. */
  find(grantId: string): Promise<BreakGlassEntry | undefined>;
}

/**
 * Reads the queue from `audit_records`: a grant is a `patient.break-glass` SUCCESS record whose
 * details carry a grant id (with its reason, justification and expiry; its actor is the user), its
 * review the first `audit.break-glass.review` SUCCESS record naming the grant id.
 */
export function createBreakGlassStore(sql: Sql): BreakGlassStore {
  const entries = (reviewed: boolean | null, grantId: string | null) =>
    sql`
    with grants as (
      select details ->> 'grantId' as grant_id, patient_ids[1]::text as patient_id,
        actor_user_id as user_id, details ->> 'reason' as reason,
        details ->> 'justification' as justification, time as granted_at,
        details ->> 'expiresAt' as expires_at, seq
      from audit_records
      where action = 'patient.break-glass' and outcome = 'SUCCESS'
        -- A request replayed under its Idempotency-Key is recorded too, but grants nothing.
        and details ? 'grantId'
        and (${grantId}::text is null or details ->> 'grantId' = ${grantId}::text)),
    reviews as (
      select distinct on (details ->> 'grantId') details ->> 'grantId' as grant_id,
        actor_user_id as reviewed_by, time as reviewed_at, details ->> 'note' as review_note
      from audit_records
      where action = 'audit.break-glass.review' and outcome = 'SUCCESS'
        and details ->> 'grantId' in (select grant_id from grants)
      order by details ->> 'grantId', seq)
    select g.grant_id as "grantId", g.patient_id as "patientId", g.user_id as "userId",
      g.reason, g.justification,
      to_char(g.granted_at at time zone 'UTC', ${sql.unsafe(MS)}) as "grantedAt",
      g.expires_at as "expiresAt",
      (select count(*)::int from audit_records a
        where a.details ? 'breakGlass' and a.details ->> 'breakGlass' = g.grant_id) as accesses,
      r.reviewed_by as "reviewedBy",
      to_char(r.reviewed_at at time zone 'UTC', ${sql.unsafe(MS)}) as "reviewedAt",
      r.review_note as "reviewNote",
      case when r.grant_id is null then 1 else 2 end as version,
      to_char(g.granted_at at time zone 'UTC', ${sql.unsafe(MS)}) as "createdAt",
      to_char(coalesce(r.reviewed_at, g.granted_at) at time zone 'UTC', ${sql.unsafe(MS)})
        as "updatedAt", g.seq
    from grants g left join reviews r using (grant_id)
    where ${reviewed}::boolean is null or (r.grant_id is not null) = ${reviewed}::boolean`;
  return {
    async page({ reviewed, page, size }) {
      const rows = await sql<{ json: string | null; total: number }[]>`
        with e as (${entries(reviewed ?? null, null)}),
        p as (select * from e order by seq desc limit ${size} offset ${page * size})
        select (select coalesce(json_agg(to_jsonb(p) - 'seq' order by seq desc), '[]')::text
          from p) as json, (select count(*)::int from e) as total`;
      return { json: rows[0]?.json ?? "[]", total: rows[0]?.total ?? 0 };
    },
    async find(grantId) {
      const [row] = await sql<(BreakGlassEntry & { seq?: string })[]>`
        ${entries(null, grantId)} limit 1`;
      if (!row) return undefined;
      delete row.seq;
      return row;
    },
  };
}
