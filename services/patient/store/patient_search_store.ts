import type { Sql, Tx } from "@pms/db";
import { COLUMNS } from "./_columns.ts";
import { escapeLike, nameWords } from "./patient_store.ts";
import type { PatientRecord } from "../domain/patient_record.ts";

/** A date range a `birthdate` value stands for, and how the birth date must relate to it. */
export interface BirthDateBound {
  prefix: "eq" | "ne" | "gt" | "lt" | "ge" | "le";
  /** First day of the range, `YYYY-MM-DD`. */
  start: string;
  /** Last day of the range, `YYYY-MM-DD`. */
  end: string;
}

/** A sort key of a search; ties are always broken by id. */
export interface SearchSort {
  key: "name" | "birthdate" | "_lastUpdated";
  descending: boolean;
}

/**
 * A patient search (FHIR search semantics): each filter is a list of parameters given (all
 * must hold), each a list of alternatives (any may hold).
 */
export interface PatientSearch {
  /** Words that each begin a word of the name, in any case or accent (as `name` lookups). */
  name: string[][];
  /** The beginning of the family name (the name's last word). */
  family: string[][];
  /** The beginning of a given name (a word before the last). */
  given: string[][];
  /** The email, in any case. */
  email: string[][];
  birthdate: BirthDateBound[][];
  /** Patient ids (lower-case UUIDs). */
  id: string[][];
  /** Defaults to the name. */
  sort: SearchSort[];
  offset: number;
  count: number;
}

const SORT_COLUMNS: Record<SearchSort["key"], string[]> = {
  name: ["name_key", "name"],
  birthdate: ["date_of_birth"],
  _lastUpdated: ["updated_at"],
};

/** The ORDER BY of a search, from whitelisted column names only. */
function orderBy(sort: SearchSort[]): string {
  const keys = sort.length > 0 ? sort : [{ key: "name" as const, descending: false }];
  const columns = keys.flatMap(({ key, descending }) =>
    SORT_COLUMNS[key].map((column) => `${column}${descending ? " desc" : ""}`)
  );
  return [...columns, "id"].join(", ");
}

/** The condition one birth-date bound puts on `date_of_birth`. */
function birthCondition(sql: Tx, bound: BirthDateBound) {
  const { start, end } = bound;
  switch (bound.prefix) {
    case "eq":
      return sql`date_of_birth between ${start}::date and ${end}::date`;
    case "ne":
      return sql`date_of_birth not between ${start}::date and ${end}::date`;
    case "gt":
      return sql`date_of_birth > ${end}::date`;
    case "lt":
      return sql`date_of_birth < ${start}::date`;
    case "ge":
      return sql`date_of_birth >= ${start}::date`;
    case "le":
      return sql`date_of_birth <= ${end}::date`;
  }
}

/** A piece of SQL. */
type Fragment = ReturnType<typeof birthCondition>;

/** The WHERE of a search: not deleted, every parameter, any of its alternatives. */
function searchConditions(sql: Tx, search: PatientSearch) {
  const conditions: Fragment[] = [sql`deleted_at is null`];
  const all = (parts: Fragment[]) => parts.reduce((a, b) => sql`${a} and ${b}`);
  const add = <T>(params: T[][], condition: (value: T) => Fragment) => {
    for (const alternatives of params) {
      const each = alternatives.map(condition);
      conditions.push(sql`(${each.reduce((a, b) => sql`${a} or ${b}`)})`);
    }
  };
  // As the REST lookup: " <folded word>" inside the folded name with a space in front (the
  // trigram index finds the candidates); each pattern folded once, in a subquery.
  add(search.name, (value) =>
    all(
      nameWords(value).map((word) =>
        sql`name_key like (select '% ' || pms_fold(${escapeLike(word)}) || '%')`
      ),
    ));
  add(
    search.family,
    (value) =>
      sql`substring(name_key from '[^ ]+$') like (select pms_fold(${escapeLike(value)}) || '%')`,
  );
  add(search.given, (value) =>
    sql`regexp_replace(name_key, ' [^ ]+$', '')
          like (select '% ' || pms_fold(${escapeLike(value)}) || '%')`);
  add(search.email, (value) => sql`lower(email) = lower(${value})`);
  add(search.birthdate, (bound) => birthCondition(sql, bound));
  add(search.id, (id) => sql`id = ${id}::uuid`);
  return all(conditions);
}

/**
 * The patients (not deleted) a search finds: one page in its order and how many match in all,
 * in one statement (one snapshot).
 */
export async function searchPatients(
  sql: Sql,
  search: PatientSearch,
): Promise<{ patients: PatientRecord[]; total: number }> {
  const where = searchConditions(sql, search);
  const order = sql.unsafe(orderBy(search.sort));
  const filtered = [search.name, search.family, search.given, search.email, search.birthdate]
    .some((params) => params.length > 0) || search.id.length > 0;
  // As the REST list: the unfiltered total from the trigger-kept counter, a filtered one counted.
  const counted = filtered
    ? sql`select count(*)::int as total from patients where ${where}`
    : sql`select coalesce(sum(n), 0)::int as total from patient_count_shards`;
  const rows = await sql<(PatientRecord & { total: number })[]>`
    with t as (${counted})
    select t.total, p.* from t left join lateral (
      select ${COLUMNS(sql)} from patients where ${where}
      order by ${order} limit ${search.count} offset ${search.offset}) p on true`;
  const total = rows[0]?.total ?? 0;
  const patients = rows.filter((row) => row.id !== null).map(({ total: _total, ...patient }) =>
    patient
  );
  return { patients, total };
}
