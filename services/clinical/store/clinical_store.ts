import type { Tx } from "@pms/db";
import type { Addendum, Encounter, Note, Observation } from "../domain/clinical_schema.ts";

const MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const at = (sql: Tx, column: string) =>
  sql`to_char(${sql(column)} at time zone 'UTC', ${sql.unsafe(MS)})`;

const ENCOUNTER = (sql: Tx) =>
  sql`id::text, patient_id::text as "patientId", appointment_id::text as "appointmentId", status,
      class, reason, practitioner_id as "practitionerId", ${at(sql, "started_at")} as "startedAt",
      case when ended_at is null then null else ${at(sql, "ended_at")} end as "endedAt", version,
      ${at(sql, "created_at")} as "createdAt", ${at(sql, "updated_at")} as "updatedAt"`;

const OBSERVATION = (sql: Tx) =>
  sql`id::text, encounter_id::text as "encounterId", patient_id::text as "patientId", code,
      display, value::float8 as value, unit, ${at(sql, "effective_at")} as "effectiveAt", version,
      ${at(sql, "created_at")} as "createdAt", ${at(sql, "updated_at")} as "updatedAt"`;

const NOTE = (sql: Tx) =>
  sql`id::text, encounter_id::text as "encounterId", patient_id::text as "patientId", status,
      subjective, objective, assessment, plan, author_id as "authorId",
      case when signed_at is null then null else ${at(sql, "signed_at")} end as "signedAt",
      signed_by as "signedBy", content_hash as "contentHash", version,
      ${at(sql, "created_at")} as "createdAt", ${at(sql, "updated_at")} as "updatedAt"`;

/** A range of instants: at or after `from`, before `before`. */
export interface InstantRange {
  from: Date;
  before: Date;
}

/** `and` a condition that `column` lies in none of `ranges`. */
const outside = (sql: Tx, column: string, ranges: InstantRange[] = []) =>
  ranges.reduce(
    (acc, r) => sql`${acc} and (${sql(column)} < ${r.from} or ${sql(column)} >= ${r.before})`,
    sql``,
  );

/** A page of rows with the total count. */
export interface Page<T> {
  items: T[];
  total: number;
}

/** Stores an `IN_PROGRESS` encounter. */
export async function insertEncounter(
  sql: Tx,
  e: Pick<Encounter, "id" | "patientId" | "appointmentId" | "class" | "reason" | "practitionerId">,
): Promise<Encounter> {
  const [row] = await sql<Encounter[]>`
    insert into encounters (id, patient_id, appointment_id, status, class, reason, practitioner_id)
    values (${e.id}, ${e.patientId}, ${e.appointmentId}, 'IN_PROGRESS', ${e.class}, ${e.reason},
            ${e.practitionerId})
    returning ${ENCOUNTER(sql)}`;
  return row!;
}

/** An encounter, or undefined; `lock` takes its row for the transaction. */
export async function findEncounter(sql: Tx, id: string, lock = false) {
  const [row] = await sql<Encounter[]>`
    select ${ENCOUNTER(sql)} from encounters where id = ${id} ${lock ? sql`for update` : sql``}`;
  return row;
}

/** Ends an encounter (`FINISHED` or `CANCELLED`), one version up. */
export async function endEncounter(sql: Tx, id: string, status: "FINISHED" | "CANCELLED") {
  const [row] = await sql<Encounter[]>`
    update encounters set status = ${status}, ended_at = now(), updated_at = now(),
      version = version + 1
    where id = ${id} returning ${ENCOUNTER(sql)}`;
  return row!;
}

/** Filters of the encounter list. */
export interface EncounterFilter {
  patientId?: string;
  /** One status, or any of several. */
  status?: string | string[];
  /** Encounters started at or after this instant. */
  from?: Date;
  /** Encounters started before this instant. */
  to?: Date;
  /** Encounters started in none of these ranges (FHIR `date` with `ne`). */
  excluded?: InstantRange[];
  page: number;
  size: number;
}

/** Encounters, newest `startedAt` first. */
export async function listEncounters(sql: Tx, f: EncounterFilter): Promise<Page<Encounter>> {
  const where = sql`where true
    ${f.patientId ? sql`and patient_id = ${f.patientId}` : sql``}
    ${f.status ? sql`and status in ${sql([f.status].flat())}` : sql``}
    ${f.from ? sql`and started_at >= ${f.from}` : sql``}
    ${f.to ? sql`and started_at < ${f.to}` : sql``}
    ${outside(sql, "started_at", f.excluded)}`;
  const items = await sql<Encounter[]>`
    select ${ENCOUNTER(sql)} from encounters ${where}
    order by started_at desc, id limit ${f.size} offset ${f.page * f.size}`;
  const [count] = await sql<{ n: number }[]>`select count(*)::int as n from encounters ${where}`;
  return { items: [...items], total: count!.n };
}

/** Stores an observation. */
export async function insertObservation(
  sql: Tx,
  o: Omit<Observation, "version" | "createdAt" | "updatedAt" | "effectiveAt"> & {
    effectiveAt: Date;
  },
): Promise<Observation> {
  const [row] = await sql<Observation[]>`
    insert into observations (id, encounter_id, patient_id, code, display, value, unit,
                              effective_at)
    values (${o.id}, ${o.encounterId}, ${o.patientId}, ${o.code}, ${o.display}, ${o.value},
            ${o.unit}, ${o.effectiveAt})
    returning ${OBSERVATION(sql)}`;
  return row!;
}

/** An observation, or undefined. */
export async function findObservation(sql: Tx, id: string): Promise<Observation | undefined> {
  const [row] = await sql<Observation[]>`
    select ${OBSERVATION(sql)} from observations where id = ${id}`;
  return row;
}

/** Filters of the observation list. */
export interface ObservationFilter {
  patientId?: string;
  /** One LOINC code, or any of several. */
  code?: string | string[];
  /** Observations effective at or after this instant. */
  from?: Date;
  /** Observations effective before this instant. */
  to?: Date;
  /** Observations effective in none of these ranges (FHIR `date` with `ne`). */
  excluded?: InstantRange[];
  page: number;
  size: number;
}

/** Observations, newest `effectiveAt` first. */
export async function listObservations(
  sql: Tx,
  f: ObservationFilter,
): Promise<Page<Observation>> {
  const where = sql`where true
    ${f.patientId ? sql`and patient_id = ${f.patientId}` : sql``}
    ${f.code ? sql`and code in ${sql([f.code].flat())}` : sql``}
    ${f.from ? sql`and effective_at >= ${f.from}` : sql``}
    ${f.to ? sql`and effective_at < ${f.to}` : sql``}
    ${outside(sql, "effective_at", f.excluded)}`;
  const items = await sql<Observation[]>`
    select ${OBSERVATION(sql)} from observations ${where}
    order by effective_at desc, id limit ${f.size} offset ${f.page * f.size}`;
  const [count] = await sql<{ n: number }[]>`select count(*)::int as n from observations ${where}`;
  return { items: [...items], total: count!.n };
}

type NoteRow = Omit<Note, "addenda">;

async function withAddenda(sql: Tx, rows: readonly NoteRow[]): Promise<Note[]> {
  if (rows.length === 0) return [];
  const addenda = await sql<(Addendum & { noteId: string })[]>`
    select id::text, note_id::text as "noteId", text, author_id as "authorId",
           ${at(sql, "created_at")} as "createdAt", 1 as version,
           ${at(sql, "created_at")} as "updatedAt"
    from addenda where note_id = any(${rows.map((r) => r.id)}::uuid[])
    order by created_at, id`;
  return rows.map((r) => ({
    ...r,
    addenda: addenda.filter((a) => a.noteId === r.id).map(({ noteId: _n, ...a }) => a),
  }));
}

/** Stores a `DRAFT` note. */
export async function insertNote(
  sql: Tx,
  n: Pick<Note, "id" | "encounterId" | "patientId" | "authorId"> & NoteFields,
): Promise<Note> {
  const [row] = await sql<NoteRow[]>`
    insert into notes (id, encounter_id, patient_id, status, subjective, objective, assessment,
                       plan, author_id)
    values (${n.id}, ${n.encounterId}, ${n.patientId}, 'DRAFT', ${n.subjective}, ${n.objective},
            ${n.assessment}, ${n.plan}, ${n.authorId})
    returning ${NOTE(sql)}`;
  return { ...row!, addenda: [] };
}

/** The four content fields of a note. */
export interface NoteFields {
  subjective: string;
  objective: string;
  assessment: string;
  plan: string;
}

/** A note with its addenda, or undefined; `lock` takes its row. */
export async function findNote(sql: Tx, id: string, lock = false): Promise<Note | undefined> {
  const rows = await sql<NoteRow[]>`
    select ${NOTE(sql)} from notes where id = ${id} ${lock ? sql`for update` : sql``}`;
  return (await withAddenda(sql, rows))[0];
}

/** A note's author (a user id), or undefined for no such note. */
export async function noteAuthor(sql: Tx, id: string): Promise<string | undefined> {
  const [row] = await sql<{ authorId: string }[]>`
    select author_id as "authorId" from notes where id = ${id}`;
  return row?.authorId;
}

/** Replaces a draft's fields, one version up (the database refuses it for a signed note). */
export async function updateNote(sql: Tx, id: string, f: NoteFields): Promise<Note> {
  await sql`
    update notes set subjective = ${f.subjective}, objective = ${f.objective},
      assessment = ${f.assessment}, plan = ${f.plan}, updated_at = now(), version = version + 1
    where id = ${id}`;
  return (await findNote(sql, id))!;
}

/** Signs a draft with its content hash. */
export async function signNote(sql: Tx, id: string, by: string, hash: string): Promise<Note> {
  await sql`
    update notes set status = 'SIGNED', signed_at = now(), signed_by = ${by},
      content_hash = ${hash}, updated_at = now(), version = version + 1
    where id = ${id}`;
  return (await findNote(sql, id))!;
}

/** Appends an addendum. */
export async function insertAddendum(
  sql: Tx,
  a: { id: string; noteId: string; text: string; authorId: string },
): Promise<Addendum> {
  const [row] = await sql<Addendum[]>`
    insert into addenda (id, note_id, text, author_id)
    values (${a.id}, ${a.noteId}, ${a.text}, ${a.authorId})
    returning id::text, text, author_id as "authorId", ${at(sql, "created_at")} as "createdAt",
      1 as version, ${at(sql, "created_at")} as "updatedAt"`;
  return row!;
}

/** Filters of the note list. */
export interface NoteFilter {
  patientId?: string;
  encounterId?: string;
  page: number;
  size: number;
}

/** Notes, newest first. */
export async function listNotes(sql: Tx, f: NoteFilter): Promise<Page<Note>> {
  const where = sql`where true
    ${f.patientId ? sql`and patient_id = ${f.patientId}` : sql``}
    ${f.encounterId ? sql`and encounter_id = ${f.encounterId}` : sql``}`;
  const rows = await sql<NoteRow[]>`
    select ${NOTE(sql)} from notes ${where}
    order by created_at desc, id limit ${f.size} offset ${f.page * f.size}`;
  const [count] = await sql<{ n: number }[]>`select count(*)::int as n from notes ${where}`;
  return { items: await withAddenda(sql, rows), total: count!.n };
}

/** True when the encounter has a `DRAFT` note. */
export async function hasDraftNotes(sql: Tx, encounterId: string): Promise<boolean> {
  const [row] = await sql`
    select 1 from notes where encounter_id = ${encounterId} and status = 'DRAFT' limit 1`;
  return row !== undefined;
}

/** Queues a finished encounter's charges for billing (one request per encounter). */
export async function queueCharges(
  sql: Tx,
  r: { encounterId: string; patientId: string; serviceDate: string; charges: unknown[] },
): Promise<void> {
  await sql`
    insert into charge_requests (id, encounter_id, patient_id, service_date, charges)
    values (${crypto.randomUUID()}, ${r.encounterId}, ${r.patientId}, ${r.serviceDate},
            ${sql.json(r.charges as never)})`;
}
