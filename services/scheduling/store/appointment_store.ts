import type { Sql, Tx } from "@pms/db";
import type { AppointmentStatus } from "@pms/events";
import type { Appointment } from "../domain/schedule_schema.ts";

/** The statuses whose appointments hold their time (the exclusion constraints' `where`). */
export const LIVE_STATUSES: AppointmentStatus[] = ["BOOKED", "ARRIVED", "FULFILLED"];

/** The exclusion constraint that keeps one schedule's live appointments apart. */
export const SCHEDULE_FREE = "appointments_schedule_free";
/** The exclusion constraint that keeps one patient's live appointments apart. */
export const PATIENT_FREE = "appointments_patient_free";

const MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const at = (sql: Tx, column: string) =>
  sql`to_char(${sql(column)} at time zone 'UTC', ${sql.unsafe(MS)})`;

/** The columns of an appointment, named as the API names them. */
const COLUMNS = (sql: Tx) =>
  sql`id::text, patient_id::text as "patientId", schedule_id::text as "scheduleId",
      ${at(sql, "start_at")} as start, ${at(sql, "end_at")} as "end", status, reason,
      status_reason as "statusReason", booked_by as "bookedBy", version,
      ${at(sql, "created_at")} as "createdAt", ${at(sql, "updated_at")} as "updatedAt"`;

/** A new appointment's fields. */
export interface NewAppointment {
  id: string;
  patientId: string;
  scheduleId: string;
  start: Date;
  end: Date;
  reason: string | null;
  bookedBy: string;
}

/** Stores a `BOOKED` appointment; an overlap raises the exclusion violation of its constraint. */
export async function insertAppointment(sql: Tx, a: NewAppointment): Promise<Appointment> {
  const [row] = await sql<Appointment[]>`
    insert into appointments (id, patient_id, schedule_id, start_at, end_at, status, reason,
                              booked_by)
    values (${a.id}, ${a.patientId}, ${a.scheduleId}, ${a.start}, ${a.end}, 'BOOKED',
            ${a.reason}, ${a.bookedBy})
    returning ${COLUMNS(sql)}`;
  return row!;
}

/** An appointment, or undefined; `lock` takes its row for the caller's transaction. */
export async function findAppointment(
  sql: Tx,
  id: string,
  lock = false,
): Promise<Appointment | undefined> {
  const [row] = await sql<Appointment[]>`
    select ${COLUMNS(sql)} from appointments where id = ${id}
    ${lock ? sql`for update` : sql``}`;
  return row;
}

/** Moves an appointment (schedule, times, reason), one version up. */
export async function moveAppointment(
  sql: Tx,
  id: string,
  to: { scheduleId: string; start: Date; end: Date; reason: string | null },
): Promise<Appointment> {
  const [row] = await sql<Appointment[]>`
    update appointments set schedule_id = ${to.scheduleId}, start_at = ${to.start},
      end_at = ${to.end}, reason = ${to.reason}, version = version + 1, updated_at = now()
    where id = ${id}
    returning ${COLUMNS(sql)}`;
  return row!;
}

/** Sets an appointment's status (and its reason), one version up. */
export async function setAppointmentStatus(
  sql: Tx,
  id: string,
  status: AppointmentStatus,
  reason: string | null,
): Promise<Appointment> {
  const [row] = await sql<Appointment[]>`
    update appointments set status = ${status}, status_reason = ${reason},
      version = version + 1, updated_at = now()
    where id = ${id}
    returning ${COLUMNS(sql)}`;
  return row!;
}

/** What an appointment list is filtered by (all ANDed). */
export interface AppointmentFilter {
  patientId?: string;
  scheduleId?: string;
  /** One status, or any of several. */
  status?: AppointmentStatus | AppointmentStatus[];
  /** Appointments ending after this instant. */
  from?: Date;
  /** Appointments starting before this instant. */
  to?: Date;
  /** Appointments starting at or after this instant (FHIR `date`). */
  startFrom?: Date;
  /** Appointments starting before this instant (FHIR `date`). */
  startBefore?: Date;
  /** Appointments starting in none of these ranges (FHIR `date` with `ne`). */
  startExcluded?: { from: Date; before: Date }[];
  page: number;
  size: number;
}

/** A page of appointments by start, then id, and how many match. */
export async function listAppointments(
  sql: Sql,
  filter: AppointmentFilter,
): Promise<{ items: Appointment[]; total: number }> {
  const where = [sql`true`];
  if (filter.patientId) where.push(sql`patient_id = ${filter.patientId}`);
  if (filter.scheduleId) where.push(sql`schedule_id = ${filter.scheduleId}`);
  if (filter.status) where.push(sql`status in ${sql([filter.status].flat())}`);
  if (filter.from) where.push(sql`end_at > ${filter.from}`);
  if (filter.to) where.push(sql`start_at < ${filter.to}`);
  if (filter.startFrom) where.push(sql`start_at >= ${filter.startFrom}`);
  if (filter.startBefore) where.push(sql`start_at < ${filter.startBefore}`);
  for (const range of filter.startExcluded ?? []) {
    where.push(sql`(start_at < ${range.from} or start_at >= ${range.before})`);
  }
  const condition = where.reduce((a, b) => sql`${a} and ${b}`);
  const items = await sql<Appointment[]>`
    select ${COLUMNS(sql)} from appointments where ${condition}
    order by start_at, id limit ${filter.size} offset ${filter.page * filter.size}`;
  const [count] = await sql<{ n: number }[]>`
    select count(*)::int as n from appointments where ${condition}`;
  return { items: [...items], total: count!.n };
}

/** The live appointments of a schedule overlapping `[from, to)`, as instants. */
export async function busyTimes(
  sql: Sql,
  scheduleId: string,
  from: Date,
  to: Date,
): Promise<{ start: Date; end: Date }[]> {
  const rows = await sql<{ start: Date; end: Date }[]>`
    select start_at as start, end_at as "end" from appointments
    where schedule_id = ${scheduleId} and status in ('BOOKED', 'ARRIVED', 'FULFILLED')
      and tstzrange(start_at, end_at) && tstzrange(${from}::timestamptz, ${to}::timestamptz)`;
  return [...rows];
}

/**
 * Records an event id as applied; false when it was already (a redelivery), in the caller's
 * transaction.
 */
export async function markProcessed(sql: Tx, eventId: string): Promise<boolean> {
  const rows = await sql`
    insert into processed_events (event_id) values (${eventId}) on conflict do nothing
    returning event_id`;
  return rows.length === 1;
}
