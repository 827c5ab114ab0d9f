import type { Sql, Tx } from "@pms/db";
import type { JsonPage } from "../domain/patient_record.ts";

/** At most this many candidates are reported (and counted in `Possible-Duplicates`). */
export const MAX_DUPLICATES = 10;

/** What makes another patient a likely duplicate. */
export type DuplicateReason = "SAME_DATE_OF_BIRTH" | "SAME_NAME" | "SIMILAR_NAME" | "SAME_ADDRESS";

/** A stored patient (not deleted) as the subject of {@linkcode candidates}. */
const stored = (sql: Tx, id: string) =>
  sql`select id, date_of_birth as dob, name_key as n, address_key as a
      from patients where id = ${id} and deleted_at is null`;

/**
 * The patient compared, as a one-row query of `id`, `dob`, `n` (its `name_key`: the folded name
 * with a space in front) and `a` (the folded address).
 */
type Subject = ReturnType<typeof stored>;

/** `p` (a patient not deleted, not `me`) is a likely duplicate of `me`. */
const isCandidate = (sql: Tx) =>
  sql`((p.date_of_birth = me.dob and similarity(p.name_key, me.n) >= 0.5)
        or (p.name_key = me.n and p.address_key = me.a))`;

/**
 * Other patients (not deleted) likely to be the same person as `me`: the same birth date and a
 * similar name (trigram similarity of the folded names ≥ 0.5), or the same folded name and
 * address. Score: half the name's similarity, 0.4 for the birth date, 0.1 for the address; the
 * same name and birth date make 0.9 at least. Best first, ties by id.
 */
function candidates(sql: Tx, me: Subject) {
  return sql`
    select s.*,
      round((0.5 * s.sim + 0.4 * s.same_dob::int + 0.1 * s.same_address::int)::numeric, 2)::float8
        as score
    from (select p.*, p.date_of_birth = me.dob as same_dob,
            p.name_key = me.n as same_name,
            similarity(p.name_key, me.n)::numeric as sim,
            p.address_key = me.a as same_address
          from (${me}) me, patients p
          where p.deleted_at is null and p.id <> me.id
            and ${isCandidate(sql)}
            and not exists (select 1 from duplicate_dismissals x
                            where x.low_id = least(p.id, me.id)
                              and x.high_id = greatest(p.id, me.id))) s
    order by score desc, id
    limit ${MAX_DUPLICATES}`;
}

/**
 * The likely duplicates of patient `id` as the JSON array the API sends
 * (`{"patient","score","reasons"}`), with their ids; undefined when the patient does not exist
 * or is deleted.
 */
export async function findDuplicates(sql: Sql, id: string): Promise<JsonPage | undefined> {
  const [row] = await sql<{ found: boolean; json: string; ids: string }[]>`
    select exists (${stored(sql, id)}) as found,
      coalesce(json_agg(json_build_object(
        'patient', d.api_json::json,
        'score', d.score,
        'reasons', array_remove(array[
          case when d.same_dob then 'SAME_DATE_OF_BIRTH' end,
          case when d.same_name then 'SAME_NAME' end,
          case when not d.same_name and d.sim >= 0.5 then 'SIMILAR_NAME' end,
          case when d.same_address then 'SAME_ADDRESS' end], null))
        order by d.score desc, d.id), '[]')::text as json,
      coalesce(string_agg(d.id::text, ','), '') as ids
    from (${candidates(sql, stored(sql, id))}) d`;
  if (!row?.found) return undefined;
  return { json: row.json, total: 0, ids: row.ids ? row.ids.split(",") : [] };
}

/**
 * The number of likely duplicates (at most {@linkcode MAX_DUPLICATES}) of the new patient `i` (a
 * row in scope with `id`, `name`, `address` and `date_of_birth`), as a scalar subquery: a create
 * adds it to its own statement, once per new patient. Unscored, and each of the two ways to be a
 * candidate searched on its own with a limit, so either search stops at the tenth match: a create
 * costs the same when thousands share a birth date and name (a placeholder date of birth, or the
 * bench's creates). One search over `or` was a bitmap scan of every same-date and same-name row:
 * 1.8–7 ms a create once 7,000 shared them.
 */
export function countDuplicates(sql: Tx) {
  // `me` is materialized so that its folded name and address are computed once per new patient:
  // inlined into the searches' filters, they were recomputed for every row read.
  return sql`(select count(*)::int from (
      with me as materialized (
        select i.id, i.date_of_birth as dob, ' ' || pms_fold(i.name) as n,
               pms_fold_address(i.address) as a)
      (select p.id from me, patients p
       where p.date_of_birth = me.dob and p.deleted_at is null and p.id <> me.id
         and similarity(p.name_key, me.n) >= 0.5
       limit ${MAX_DUPLICATES})
      union
      (select p.id from me, patients p
       where p.name_key = me.n and p.deleted_at is null and p.id <> me.id
         and p.address_key = me.a
       limit ${MAX_DUPLICATES})
      limit ${MAX_DUPLICATES}) d)`;
}
