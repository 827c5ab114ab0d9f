import type { Sql, Tx } from "@pms/db";
import { COLUMNS } from "./_columns.ts";
import { countDuplicates } from "./duplicate_store.ts";
import type { ListPageCache } from "./list_page_cache.ts";
import type { ChangeQueue } from "../domain/outbox.ts";
import type {
  ChangeGuard,
  ChangeOutcome,
  JsonPage,
  NewPatient,
  PageQuery,
  PatientQuery,
  PatientRecord,
  PatientSort,
  PatientUpdate,
} from "../domain/patient_record.ts";

/** The name of the unique index on `lower(email)` among patients that are not deleted. */
export const EMAIL_UNIQUE = "patients_email_unique";

// A page's ids come as one comma-separated text: splitting it is far cheaper than parsing a
// PostgreSQL array literal in JavaScript.
const splitIds = (ids: string | undefined): string[] => (ids ? ids.split(",") : []);

/** `%`, `_` and `\` escaped: they stand for themselves in a LIKE pattern. */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A LIKE pattern matching any text that contains `term`. */
export function likePattern(term: string): string {
  return `%${escapeLike(term)}%`;
}

/** `true`, or the `If-Match` condition on the version. */
const versionCheck = (sql: Tx, guard: ChangeGuard) =>
  guard.expectedVersions ? sql`version = any(${guard.expectedVersions}::int[])` : sql`true`;

/** The history row of a change, written in the change's own statement. */
const HISTORY = (sql: Tx, changedBy: string, change: string) =>
  sql`
    insert into patient_history (patient_id, version, changed_at, changed_by, change, patient)
    select id, version, now(), ${changedBy}, ${change}, to_jsonb(c) - 'deleted' from c`;

// Each sort as an ORDER BY over unqualified `patients` columns. Names sort as people expect:
// folded (no case, no accents) first, then as written; ties always by id. An index serves each.
const SORTS: Record<PatientSort, string> = {
  name: "name_key, name, id",
  "-name": "name_key desc, name desc, id",
  dateOfBirth: "date_of_birth, id",
  "-dateOfBirth": "date_of_birth desc, id",
  registeredDate: "registered_date, id",
  "-registeredDate": "registered_date desc, id",
};

/** The words of a `name` filter (split at whitespace; each must begin a word of the name). */
export function nameWords(name: string): string[] {
  return name.trim().split(/\s+/).filter((word) => word.length > 0);
}

/** The WHERE of a patient list: not deleted, and every filter given. */
function listConditions(sql: Tx, query: PatientQuery) {
  const conditions = [sql`deleted_at is null`];
  if (query.search) {
    const pattern = likePattern(query.search);
    conditions.push(sql`(name ilike ${pattern} or email ilike ${pattern})`);
  }
  // "begins a word": `name_key`, the folded name with a space in front, contains
  // " <folded word>" (the trigram index `patients_name_words` finds the candidates). The pattern
  // is a subquery so it is folded once: a cached generic plan would fold it again for every row.
  for (const word of nameWords(query.name ?? "")) {
    conditions.push(sql`name_key like (select '% ' || pms_fold(${escapeLike(word)}) || '%')`);
  }
  if (query.email) conditions.push(sql`lower(email) = lower(${query.email})`);
  if (query.dateOfBirth) conditions.push(sql`date_of_birth = ${query.dateOfBirth}::date`);
  return conditions.reduce((all, next) => sql`${all} and ${next}`);
}

/** The list version: the sum of the counters every change of `patients` moves (migration 00012). */
const LIST_VERSION = (sql: Tx) => sql`(select sum(changes) from patient_count_shards)::text`;

/** The list version now, as a page's statement reads it. */
export async function readListVersion(sql: Sql): Promise<string> {
  const [row] = await sql<{ version: string }[]>`select ${LIST_VERSION(sql)} as version`;
  return row?.version ?? "";
}

/**
 * Reads a page of patients that are not deleted and the total that match, in one query.
 * The page's ids come first from the sort's index alone (no row is read for the rows an `OFFSET`
 * skips), then their JSON texts (`api_json`, kept by a trigger) are joined in that order; the
 * unfiltered total comes from the trigger-kept counter, a filtered one counts its matches.
 *
 * The same statement reads the list version (migration 00012); with a `cache` holding the page,
 * the page is read only when the version differs from the one it was read at: a page no write has
 * touched since costs the database one shared read of 64 counter rows instead of the page's.
 */
export async function listPatients(
  sql: Sql,
  query: PatientQuery,
  cache?: ListPageCache,
): Promise<JsonPage> {
  const filtered = Boolean(query.search || query.name || query.email || query.dateOfBirth);
  const where = listConditions(sql, query);
  const sort = sql.unsafe(SORTS[query.sort ?? "name"]);
  const total = filtered
    ? sql`(select count(*) from patients where ${where})`
    : sql`(select sum(n) from patient_count_shards)`;
  const key = JSON.stringify([
    query.page,
    query.size,
    query.sort ?? "name",
    query.search ?? null,
    query.name ?? null,
    query.email ?? null,
    query.dateOfBirth ?? null,
  ]);
  const known = cache?.get(key);
  // A kept page whose version is still the list's is answered without a statement of its own:
  // the version read is shared by the lists that ask together (`freshRead`), yet started after
  // this one asked, so it is answered only while no write it could show has committed.
  if (cache && known && await cache.currentVersion() === known.version) return known.page;
  // The page and the version it was read at, in one snapshot.
  const [row] = await sql<{ version: string; json: string; total: number; ids: string }[]>`
    select ${LIST_VERSION(sql)} as version,
           '[' || coalesce(string_agg(p.api_json, ',' order by k.n), '') || ']' as json,
           ${total}::int as total,
           coalesce(string_agg(p.id::text, ','), '') as ids
    from unnest(array(select id from patients where ${where} order by ${sort}
                      limit ${query.size} offset ${query.page * query.size}))
         with ordinality k(id, n)
    join patients p on p.id = k.id`;
  const page = { json: row?.json ?? "[]", total: row?.total ?? 0, ids: splitIds(row?.ids) };
  if (row) cache?.set(key, row.version, page);
  return page;
}

/** A page of deleted patients, most recently deleted first, with who deleted them and when. */
export async function listDeletedPatients(sql: Sql, query: PageQuery): Promise<JsonPage> {
  const where = query.search
    ? sql`where deleted_at is not null and merged_into is null
            and (name ilike ${likePattern(query.search)} or email ilike ${
      likePattern(query.search)
    })`
    : sql`where deleted_at is not null and merged_into is null`;
  const [row] = await sql<{ json: string; total: number; ids: string }[]>`
    select coalesce(json_agg(to_jsonb(p) - 'd' order by p.d desc, p.id), '[]')::text as json,
           (select count(*) from patients ${where})::int as total,
           coalesce(string_agg(p.id::text, ','), '') as ids
    from (select ${COLUMNS(sql)},
            to_char(deleted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "deletedAt",
            deleted_by as "deletedBy", deleted_at as d
          from patients ${where}
          order by deleted_at desc, id limit ${query.size} offset ${query.page * query.size}) p`;
  // `d` only orders the page; it is no field of the answer.
  return { json: row?.json ?? "[]", total: row?.total ?? 0, ids: splitIds(row?.ids) };
}

/** One patient that is not deleted, or undefined (with `includeDeleted`, a deleted one too). */
export async function findPatient(
  sql: Tx,
  id: string,
  options: { includeDeleted?: boolean } = {},
): Promise<(PatientRecord & { deleted: boolean }) | undefined> {
  const [row] = await sql<(PatientRecord & { deleted: boolean })[]>`
    select ${COLUMNS(sql)}, deleted_at is not null as deleted from patients
    where id = ${id} ${options.includeDeleted ? sql`` : sql`and deleted_at is null`}`;
  return row;
}

/**
 * The patients of `ids` (UUIDs, any case) that are not deleted, by lower-case id, read as
 * {@linkcode findPatient} reads one: in one statement whatever their number.
 */
export async function findPatients(
  sql: Tx,
  ids: string[],
): Promise<Map<string, PatientRecord & { deleted: boolean }>> {
  const rows = await sql<(PatientRecord & { deleted: boolean })[]>`
    select ${COLUMNS(sql)}, false as deleted from patients
    where id = any(${ids}::uuid[]) and deleted_at is null`;
  return new Map(rows.map((row) => [row.id, row]));
}

/** A patient as a create leaves it, with the likely duplicates it found. */
export type CreatedPatient = PatientRecord & { possibleDuplicates: number };

/** A new patient for {@linkcode insertPatients}. */
export interface PatientCreate {
  id: string;
  input: NewPatient;
  /** Who creates it, for the history. */
  changedBy: string;
}

/**
 * Inserts patients at version 1 with their `CREATED` history entries and the writes of `queued`
 * (their events, billing requests and audit records), in one statement: atomic on its own, one
 * round trip, whatever their number, and the same text for any number. A taken email (or one given
 * twice) raises a unique violation on {@linkcode EMAIL_UNIQUE} and nothing is written. Resolves in
 * the order of `creates`, each with its likely duplicates among the patients already there.
 */
export async function insertPatients(
  sql: Tx,
  creates: PatientCreate[],
  queued?: Pick<ChangeQueue, "ctes">,
): Promise<CreatedPatient[]> {
  const queue = queued ? sql`, ${queued.ctes}` : sql``;
  const column = (pick: (c: PatientCreate) => string) => creates.map(pick);
  const rows = await sql<CreatedPatient[]>`
    with i as (
      select * from unnest(
        ${column((c) => c.id)}::uuid[], ${column((c) => c.input.name)}::text[],
        ${column((c) => c.input.email)}::text[], ${column((c) => c.input.address)}::text[],
        ${column((c) => c.input.dateOfBirth)}::date[],
        ${column((c) => c.input.registeredDate)}::date[], ${column((c) => c.changedBy)}::text[])
        as i(id, name, email, address, date_of_birth, registered_date, changed_by)),
    c as (
      insert into patients (id, name, email, address, date_of_birth, registered_date)
      select id, name, email, address, date_of_birth, registered_date from i
      returning ${COLUMNS(sql)}),
    h as (
      insert into patient_history (patient_id, version, changed_at, changed_by, change, patient)
      select c.id, c.version, now(), i.changed_by, 'CREATED', to_jsonb(c) - 'deleted'
      from c join i on i.id = c.id) ${queue}
    select c.*, ${countDuplicates(sql)} as "possibleDuplicates"
    from c join i on i.id = c.id`;
  const byId = new Map(rows.map((row) => [row.id, row]));
  return creates.map((c) => byId.get(c.id.toLowerCase())!);
}

/**
 * Inserts a patient at version 1 with its `CREATED` history entry and the writes of `queued`, as
 * {@linkcode insertPatients} inserts one.
 */
export async function insertPatient(
  sql: Tx,
  id: string,
  input: NewPatient,
  changedBy: string,
  queued?: Pick<ChangeQueue, "ctes">,
): Promise<CreatedPatient> {
  const [row] = await insertPatients(sql, [{ id, input, changedBy }], queued);
  return row!;
}

/** Why a change that returned no row did not happen: missing, stale or unchanged. */
async function explain(tx: Tx, id: string, guard: ChangeGuard): Promise<ChangeOutcome> {
  const current = await findPatient(tx, id);
  if (!current) return { outcome: "missing" };
  const { deleted: _deleted, ...patient } = current;
  if (guard.expectedVersions && !guard.expectedVersions.includes(current.version)) {
    return { outcome: "stale", version: current.version };
  }
  return { outcome: "unchanged", patient };
}

/**
 * Replaces a patient's fields (keeping `registeredDate` when not given) as version + 1, with
 * its `UPDATED` history entry. The version check and the write are one statement: no
 * read-then-write race. A replacement that changes nothing writes nothing.
 */
export async function updatePatient(
  tx: Tx,
  id: string,
  input: PatientUpdate,
  guard: ChangeGuard,
): Promise<ChangeOutcome> {
  const registered = input.registeredDate ?? null;
  // `o` is the row before the change (one statement, one snapshot): the changed field names,
  // never their values, go to the audit record.
  const [row] = await tx<(PatientRecord & { changedFields: string[] })[]>`
    with o as (
      select array_remove(array[
        case when name is distinct from ${input.name} then 'name' end,
        case when email is distinct from ${input.email} then 'email' end,
        case when address is distinct from ${input.address} then 'address' end,
        case when date_of_birth is distinct from ${input.dateOfBirth}::date then 'dateOfBirth' end,
        case when registered_date is distinct from coalesce(${registered}::date, registered_date)
          then 'registeredDate' end], null) as fields
      from patients where id = ${id}),
    c as (
      update patients set
        name = ${input.name}, email = ${input.email}, address = ${input.address},
        date_of_birth = ${input.dateOfBirth},
        registered_date = coalesce(${registered}::date, registered_date),
        version = version + 1, updated_at = now()
      where id = ${id} and deleted_at is null
        and ${versionCheck(tx, guard)}
        and (name, email, address, date_of_birth, registered_date) is distinct from
            (${input.name}, ${input.email}, ${input.address}, ${input.dateOfBirth}::date,
             coalesce(${registered}::date, registered_date))
      returning ${COLUMNS(tx)}),
    h as (${HISTORY(tx, guard.changedBy, "UPDATED")})
    select c.*, o.fields as "changedFields" from c, o`;
  if (!row) return explain(tx, id, guard);
  const { changedFields, ...patient } = row;
  return { outcome: "changed", patient, changedFields };
}

/**
 * Soft-deletes a patient as version + 1 (the row and its history stay; reads, lists, search and
 * email uniqueness no longer see it), with its `DELETED` history entry.
 */
export async function deletePatient(
  tx: Tx,
  id: string,
  guard: ChangeGuard,
): Promise<ChangeOutcome> {
  const [row] = await tx<PatientRecord[]>`
    with c as (
      update patients set deleted_at = now(), deleted_by = ${guard.changedBy},
        version = version + 1, updated_at = now()
      where id = ${id} and deleted_at is null
        and ${versionCheck(tx, guard)}
      returning ${COLUMNS(tx)}),
    h as (${HISTORY(tx, guard.changedBy, "DELETED")})
    select * from c`;
  if (row) return { outcome: "changed", patient: row };
  const outcome = await explain(tx, id, guard);
  // An unchanged delete cannot be: without a row the patient is missing or stale.
  return outcome.outcome === "unchanged" ? { outcome: "missing" } : outcome;
}

/**
 * Brings a soft-deleted patient back as version + 1 with its `RESTORED` history entry; its email
 * taken meanwhile raises a unique violation on {@linkcode EMAIL_UNIQUE}.
 */
export async function restorePatient(
  tx: Tx,
  id: string,
  changedBy: string,
): Promise<ChangeOutcome> {
  const [row] = await tx<PatientRecord[]>`
    with c as (
      update patients set deleted_at = null, deleted_by = null, version = version + 1,
        updated_at = now()
      where id = ${id} and deleted_at is not null and merged_into is null
      returning ${COLUMNS(tx)}),
    h as (${HISTORY(tx, changedBy, "RESTORED")})
    select * from c`;
  if (row) return { outcome: "changed", patient: row };
  const current = await findPatient(tx, id, { includeDeleted: true });
  return current ? { outcome: "not-deleted" } : { outcome: "missing" };
}

/** A patient's history, newest first, as the JSON array the API sends, and its length. */
export async function listHistory(
  sql: Sql,
  id: string,
  page: { page: number; size: number },
): Promise<JsonPage> {
  const [row] = await sql<{ json: string; total: number }[]>`
    select coalesce(json_agg(h order by h.version desc), '[]')::text as json,
           (select count(*) from patient_history where patient_id = ${id})::int as total
    from (select version,
            to_char(changed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "changedAt",
            changed_by as "changedBy", change, patient
          from patient_history where patient_id = ${id}
          order by version desc limit ${page.size} offset ${page.page * page.size}) h`;
  return { json: row?.json ?? "[]", total: row?.total ?? 0 };
}

/** A stored patient as a seed gives it. */
export type SeedPatient = NewPatient & { id: string };

/** Inserts `patients` (version 1, `CREATED` by `system`) once per database for the seed `name`. */
export function seedOnce(sql: Sql, name: string, patients: SeedPatient[]): Promise<boolean> {
  return sql.begin(async (tx) => {
    const ran =
      await tx`insert into seed_runs (name) values (${name}) on conflict do nothing returning name`;
    if (ran.length === 0) return false;
    for (const p of patients) {
      await tx`
        with c as (
          insert into patients (id, name, email, address, date_of_birth, registered_date)
          values (${p.id}, ${p.name}, ${p.email}, ${p.address}, ${p.dateOfBirth},
                  ${p.registeredDate})
          on conflict do nothing
          returning ${COLUMNS(tx)})
        ${HISTORY(tx, "system", "CREATED")}`;
    }
    return true;
  });
}
