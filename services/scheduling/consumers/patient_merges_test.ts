import assert from "node:assert/strict";
import { followPatientMerges, type PatientEvent, type ReceivedEvent } from "@pms/events";
import { openTestDatabase } from "@pms/testing";

const MIGRATIONS = new URL("../migrations", import.meta.url);

const received = (event: Partial<PatientEvent>): ReceivedEvent<PatientEvent> =>
  ({
    event: {
      eventId: crypto.randomUUID(),
      eventType: "PATIENT_MERGED",
      patientId: crypto.randomUUID(),
      name: "",
      email: "",
      occurredAt: new Date(),
      version: 2,
      ...event,
    },
  }) as ReceivedEvent<PatientEvent>;

Deno.test("followPatientMerges() re-points appointments once, keeps a clash, moves back exactly those", async () => {
  await using testDb = await openTestDatabase("scheduling", MIGRATIONS);
  const sql = testDb.db.sql;
  const follow = followPatientMerges(sql, ["appointments"]);
  const [source, target] = [crypto.randomUUID(), crypto.randomUUID()];
  const [room, other] = [crypto.randomUUID(), crypto.randomUUID()];
  for (const id of [room, other]) {
    await sql`
      insert into schedules (id, name, kind, time_zone, slot_minutes, availability)
      values (${id}, 'Room', 'ROOM', 'UTC', 30, '[]')`;
  }
  const book = async (patientId: string, schedule: string, start: string) => {
    const id = crypto.randomUUID();
    await sql`
      insert into appointments (id, patient_id, schedule_id, start_at, end_at, status, booked_by)
      values (${id}, ${patientId}, ${schedule}, ${start}::timestamptz,
              ${start}::timestamptz + interval '30 minutes', 'BOOKED', 'u')`;
    return id;
  };
  const free = await book(source, room, "2030-01-01T09:00:00Z");
  // The target is booked elsewhere at the same time as this one: it cannot move.
  const clash = await book(source, room, "2030-01-01T10:00:00Z");
  await book(target, other, "2030-01-01T10:00:00Z");
  const patientOf = async (id: string) =>
    (await sql`select patient_id::text as p from appointments where id = ${id}`)[0]!.p;

  const merge = received({ patientId: source, mergedInto: target });
  await follow([merge]);
  assert.equal(await patientOf(free), target);
  assert.equal(await patientOf(clash), source);

  // Delivered again: nothing changes (the version would move otherwise).
  const versionOf = async () =>
    (await sql`select version from appointments where id = ${free}`)[0]!.version;
  const version = await versionOf();
  await follow([merge]);
  assert.equal(await versionOf(), version);

  // Booked for the target after the merge: stays with it on unmerge.
  const later = await book(target, room, "2030-01-02T09:00:00Z");
  await follow([
    received({ eventType: "PATIENT_UNMERGED", patientId: source, mergedInto: target }),
  ]);
  assert.equal(await patientOf(free), source);
  assert.equal(await patientOf(later), target);
});
