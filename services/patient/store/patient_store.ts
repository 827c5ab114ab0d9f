import type { Sql, Tx } from "@pms/db";

/** A stored patient, as every read returns it. */
export interface PatientRecord {
  id: string;
  name: string;
  email: string;
  address: string;
  /** `YYYY-MM-DD`. */
  dateOfBirth: string;
  /** `YYYY-MM-DD`. */
  registeredDate: string;
}

/** A new patient's fields. */
export type NewPatient = Omit<PatientRecord, "id">;

/** A replacement of a patient's fields; `registeredDate` kept when left out. */
export type PatientUpdate = Omit<NewPatient, "registeredDate"> & { registeredDate?: string };

/** A page request. */
export interface PageQuery {
  /** 0-based page number. */
  page: number;
  size: number;
  /** Case-insensitive substring of name or email. */
  search?: string;
}

/** The name of the unique index on `lower(email)`. */
export const EMAIL_UNIQUE = "patients_email_unique";

const COLUMNS = (sql: Tx) =>
  sql`id, name, email, address, date_of_birth::text as "dateOfBirth",
      registered_date::text as "registeredDate"`;

/** `%`, `_` and `\` stand for themselves in a search term. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A page of patients as the JSON array the API sends, and the total that match. */
export interface PatientPage {
  /** The page as JSON text, built by PostgreSQL (`[]` past the end). */
  json: string;
  total: number;
}

/**
 * Reads a page of patients and the total that match, in one query. PostgreSQL builds the JSON
 * array itself, so no row is parsed and serialised again in JavaScript; the total of the
 * unfiltered list comes from the trigger-kept counter, a search counts its matches.
 */
export async function listPatients(sql: Sql, query: PageQuery): Promise<PatientPage> {
  const where = query.search
    ? sql`where name ilike ${likePattern(query.search)} or email ilike ${likePattern(query.search)}`
    : sql``;
  const total = query.search
    ? sql`(select count(*) from patients ${where})`
    : sql`(select sum(n) from patient_count_shards)`;
  const [row] = await sql<{ json: string; total: number }[]>`
    select coalesce(json_agg(p order by p.name, p.id), '[]')::text as json, ${total}::int as total
    from (select ${COLUMNS(sql)} from patients ${where}
          order by name, id limit ${query.size} offset ${query.page * query.size}) p`;
  return { json: row?.json ?? "[]", total: row?.total ?? 0 };
}

/** One patient, or undefined. */
export async function findPatient(sql: Tx, id: string): Promise<PatientRecord | undefined> {
  const [row] = await sql<PatientRecord[]>`select ${COLUMNS(sql)} from patients where id = ${id}`;
  return row;
}

/** Inserts a patient; a taken email raises a unique violation on {@linkcode EMAIL_UNIQUE}. */
export async function insertPatient(
  tx: Tx,
  id: string,
  input: NewPatient,
): Promise<PatientRecord> {
  const [row] = await tx<PatientRecord[]>`
    insert into patients (id, name, email, address, date_of_birth, registered_date)
    values (${id}, ${input.name}, ${input.email}, ${input.address}, ${input.dateOfBirth},
            ${input.registeredDate})
    returning ${COLUMNS(tx)}`;
  return row!;
}

/** Replaces a patient's fields (keeping `registeredDate` when not given); undefined if unknown. */
export async function updatePatient(
  tx: Tx,
  id: string,
  input: PatientUpdate,
): Promise<PatientRecord | undefined> {
  const [row] = await tx<PatientRecord[]>`
    update patients set
      name = ${input.name},
      email = ${input.email},
      address = ${input.address},
      date_of_birth = ${input.dateOfBirth},
      registered_date = coalesce(${input.registeredDate ?? null}::date, registered_date),
      updated_at = now()
    where id = ${id}
    returning ${COLUMNS(tx)}`;
  return row;
}

/** Deletes a patient; returns what was deleted, or undefined if unknown. */
export async function deletePatient(tx: Tx, id: string): Promise<PatientRecord | undefined> {
  const [row] = await tx<PatientRecord[]>`delete from patients where id = ${id} returning ${
    COLUMNS(tx)
  }`;
  return row;
}

/** Runs `insert` once per database for the seed `name` (recorded in the same transaction). */
export function seedOnce(
  sql: Sql,
  name: string,
  patients: PatientRecord[],
): Promise<boolean> {
  return sql.begin(async (tx) => {
    const ran =
      await tx`insert into seed_runs (name) values (${name}) on conflict do nothing returning name`;
    if (ran.length === 0) return false;
    for (const p of patients) {
      await tx`
        insert into patients (id, name, email, address, date_of_birth, registered_date)
        values (${p.id}, ${p.name}, ${p.email}, ${p.address}, ${p.dateOfBirth}, ${p.registeredDate})
        on conflict do nothing`;
    }
    return true;
  });
}
