import type { Sql, Tx } from "@pms/db";
import type { Schedule } from "../domain/schedule_schema.ts";

/** A schedule's fields as stored. */
export type ScheduleFields = Omit<Schedule, "id" | "version" | "createdAt" | "updatedAt">;

const MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** The columns of a schedule, named as the API names them. */
const COLUMNS = (sql: Tx) =>
  sql`id::text, name, kind, practitioner_id::text as "practitionerId", time_zone as "timeZone",
      slot_minutes as "slotMinutes", availability::text as availability, active, version,
      to_char(created_at at time zone 'UTC', ${sql.unsafe(MS)}) as "createdAt",
      to_char(updated_at at time zone 'UTC', ${sql.unsafe(MS)}) as "updatedAt"`;

/** A schedule row as read: its availability as JSON text. */
type Row = Omit<Schedule, "availability"> & { availability: string };

/** A row as the API's schedule. */
const schedule = (row: Row): Schedule => ({ ...row, availability: JSON.parse(row.availability) });

/** Stores a new schedule at version 1. */
export async function insertSchedule(sql: Tx, id: string, f: ScheduleFields): Promise<Schedule> {
  const [row] = await sql<Row[]>`
    insert into schedules (id, name, kind, practitioner_id, time_zone, slot_minutes,
                           availability, active)
    values (${id}, ${f.name}, ${f.kind}, ${f.practitionerId}, ${f.timeZone}, ${f.slotMinutes},
            ${JSON.stringify(f.availability)}::text::jsonb, ${f.active})
    returning ${COLUMNS(sql)}`;
  return schedule(row!);
}

/** A schedule, or undefined; `lock` takes its row for the caller's transaction. */
export async function findSchedule(
  sql: Tx,
  id: string,
  lock = false,
): Promise<Schedule | undefined> {
  const [row] = await sql<Row[]>`
    select ${COLUMNS(sql)} from schedules where id = ${id} ${lock ? sql`for update` : sql``}`;
  return row && schedule(row);
}

/** Replaces a schedule's fields, one version up. */
export async function updateSchedule(sql: Tx, id: string, f: ScheduleFields): Promise<Schedule> {
  const [row] = await sql<Row[]>`
    update schedules set name = ${f.name}, kind = ${f.kind}, practitioner_id = ${f.practitionerId},
      time_zone = ${f.timeZone}, slot_minutes = ${f.slotMinutes},
      availability = ${JSON.stringify(f.availability)}::text::jsonb, active = ${f.active},
      version = version + 1, updated_at = now()
    where id = ${id}
    returning ${COLUMNS(sql)}`;
  return schedule(row!);
}

/** What a schedule list is filtered by. */
export interface ScheduleFilter {
  kind?: string;
  practitionerId?: string;
  /** The room schedule of this id (FHIR `Location/<id>`). */
  roomId?: string;
  /** The schedules of this practitioner, and the room schedule of this id (a bare FHIR actor). */
  actorId?: string;
  active?: boolean;
  page: number;
  size: number;
}

/** A page of schedules by name (then id), and how many match. */
export async function listSchedules(
  sql: Sql,
  filter: ScheduleFilter,
): Promise<{ items: Schedule[]; total: number }> {
  const where = [sql`true`];
  if (filter.kind) where.push(sql`kind = ${filter.kind}`);
  if (filter.practitionerId) where.push(sql`practitioner_id = ${filter.practitionerId}`);
  if (filter.roomId) where.push(sql`(kind = 'ROOM' and id = ${filter.roomId})`);
  if (filter.actorId) {
    where.push(
      sql`(practitioner_id = ${filter.actorId} or (kind = 'ROOM' and id = ${filter.actorId}))`,
    );
  }
  if (filter.active !== undefined) where.push(sql`active = ${filter.active}`);
  const condition = where.reduce((a, b) => sql`${a} and ${b}`);
  const items = await sql<Row[]>`
    select ${COLUMNS(sql)} from schedules where ${condition}
    order by name, id limit ${filter.size} offset ${filter.page * filter.size}`;
  const [count] = await sql<{ n: number }[]>`
    select count(*)::int as n from schedules where ${condition}`;
  return { items: items.map(schedule), total: count!.n };
}
