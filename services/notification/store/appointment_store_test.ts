import assert from "node:assert/strict";
import type { AppointmentEvent, PatientEvent } from "@pms/events";
import { openTestDatabase } from "@pms/testing";
import { createAppointmentStore } from "./appointment_store.ts";
import { createNotificationStore } from "./notification_store.ts";

const MIGRATIONS = new URL("../migrations", import.meta.url);

function appointment(
  base: Pick<AppointmentEvent, "appointmentId" | "patientId">,
  eventType: AppointmentEvent["eventType"],
  version: number,
  start: Date,
  status: AppointmentEvent["status"] = "BOOKED",
): AppointmentEvent {
  return {
    ...base,
    eventId: crypto.randomUUID(),
    eventType,
    occurredAt: new Date(),
    scheduleId: crypto.randomUUID(),
    start,
    end: new Date(start.getTime() + 30 * 60_000),
    status,
    version,
    timeZone: "Europe/Paris",
  };
}

async function withPatient(sql: Parameters<typeof createNotificationStore>[0]) {
  const patientId = crypto.randomUUID();
  const created: PatientEvent = {
    eventId: crypto.randomUUID(),
    eventType: "PATIENT_CREATED",
    patientId,
    name: "Ada",
    email: "ada@example.org",
    occurredAt: new Date(),
    version: 1,
  };
  await createNotificationStore(sql).record(created, true);
  return { patientId, appointmentId: crypto.randomUUID() };
}

// By type: messages recorded in one transaction share their time, so their order is not asserted.
const typesOf = async (sql: Parameters<typeof createNotificationStore>[0], patientId: string) =>
  (await createNotificationStore(sql).listByPatient(patientId)).map((n) => n.type).sort();

Deno.test("createAppointmentStore() queues a reminder once, when it is due", async () => {
  await using db = await openTestDatabase("notification", MIGRATIONS);
  const sql = db.db.sql;
  const store = createAppointmentStore(sql);
  const ids = await withPatient(sql);
  // Due two seconds from now with a lead of one minute.
  const start = new Date(Date.now() + 62_000);
  const booked = appointment(ids, "APPOINTMENT_BOOKED", 1, start);
  assert.equal(await store.record([booked, booked], true, 1), 1, "a redelivery is ignored");
  assert.deepEqual(await typesOf(sql, ids.patientId), ["APPOINTMENT_CONFIRMATION", "WELCOME"]);
  assert.equal(await store.queueDueReminders(true, 50), 0, "not due yet");
  await new Promise((r) => setTimeout(r, 2_500));
  const [first, second] = await Promise.all([
    store.queueDueReminders(true, 50),
    store.queueDueReminders(true, 50),
  ]);
  assert.equal(first + second, 1, "two jobs at once record it once");
  assert.equal(await store.queueDueReminders(true, 50), 0, "and never again");
  assert.deepEqual(await typesOf(sql, ids.patientId), [
    "APPOINTMENT_CONFIRMATION",
    "APPOINTMENT_REMINDER",
    "WELCOME",
  ]);
});

Deno.test("createAppointmentStore() moves a reminder with its appointment and drops it on cancel", async () => {
  await using db = await openTestDatabase("notification", MIGRATIONS);
  const sql = db.db.sql;
  const store = createAppointmentStore(sql);
  const ids = await withPatient(sql);
  const later = new Date(Date.now() + 3 * 86_400_000);
  const soon = new Date(Date.now() + 30 * 60_000);
  // Booked three days ahead (not due with a day's lead), then moved to within the lead: due now.
  await store.record([appointment(ids, "APPOINTMENT_BOOKED", 1, later)], true, 1440);
  assert.equal(await store.queueDueReminders(true, 50), 0);
  await store.record([appointment(ids, "APPOINTMENT_CHANGED", 2, soon)], true, 1440);
  // An older event delivered late changes nothing.
  await store.record([appointment(ids, "APPOINTMENT_CHANGED", 1, later)], true, 1440);
  assert.equal(await store.queueDueReminders(true, 50), 1);

  const other = await withPatient(sql);
  await store.record(
    [
      appointment(other, "APPOINTMENT_BOOKED", 1, soon),
      appointment(other, "APPOINTMENT_STATUS_CHANGED", 2, soon, "CANCELLED"),
    ],
    true,
    1440,
  );
  assert.equal(await store.queueDueReminders(true, 50), 0, "a cancelled appointment has none");
  assert.deepEqual(await typesOf(sql, other.patientId), [
    "APPOINTMENT_CANCELLED",
    "APPOINTMENT_CONFIRMATION",
    "WELCOME",
  ]);
});

Deno.test("createAppointmentStore() keeps a booking's mail until its patient's address arrives", async () => {
  await using db = await openTestDatabase("notification", MIGRATIONS);
  const sql = db.db.sql;
  const store = createAppointmentStore(sql);
  const notifications = createNotificationStore(sql);
  // The booking comes before the patient's create (another topic).
  const ids = { patientId: crypto.randomUUID(), appointmentId: crypto.randomUUID() };
  const start = new Date(Date.now() + 7 * 86_400_000);
  await store.record([appointment(ids, "APPOINTMENT_BOOKED", 1, start)], true, 1440);
  const [waiting] = await notifications.listByPatient(ids.patientId);
  assert.deepEqual([waiting?.type, waiting?.status], ["APPOINTMENT_CONFIRMATION", "PENDING"]);
  assert.deepEqual(await notifications.claimDue(10, 8, 60_000), [], "no address yet");
  await notifications.record({
    eventId: crypto.randomUUID(),
    eventType: "PATIENT_CREATED",
    patientId: ids.patientId,
    name: "Ada",
    email: "ada@example.org",
    occurredAt: new Date(),
    version: 1,
  }, true);
  const due = await notifications.claimDue(10, 8, 60_000);
  const confirmation = due.find((m) => m.type === "APPOINTMENT_CONFIRMATION");
  assert.equal(confirmation?.recipient, "ada@example.org");
  // Without a mail server nothing waits: it is SKIPPED at once.
  const other = { patientId: crypto.randomUUID(), appointmentId: crypto.randomUUID() };
  await store.record([appointment(other, "APPOINTMENT_BOOKED", 1, start)], false, 1440);
  assert.deepEqual(
    (await notifications.listByPatient(other.patientId)).map((n) => n.status),
    ["SKIPPED"],
  );
});

Deno.test("createAppointmentStore() mails a merged source's appointments to the patient it was merged into", async () => {
  await using db = await openTestDatabase("notification", MIGRATIONS);
  const sql = db.db.sql;
  const store = createAppointmentStore(sql);
  const notifications = createNotificationStore(sql);
  const source = await withPatient(sql);
  const target = await withPatient(sql);
  const last = await withPatient(sql);
  await sql`update patient_contacts set email = 'target@example.org'
            where patient_id = ${target.patientId}`;
  await sql`update patient_contacts set email = 'last@example.org'
            where patient_id = ${last.patientId}`;
  const merge = (
    eventType: "PATIENT_MERGED" | "PATIENT_UNMERGED",
    patientId: string,
    mergedInto: string,
    version: number,
  ): PatientEvent => ({
    eventId: crypto.randomUUID(),
    eventType,
    patientId,
    name: "Ada",
    email: "ada@example.org",
    occurredAt: new Date(),
    version,
    mergedInto,
  });
  const soon = new Date(Date.now() + 30 * 60_000);
  // A reminder waiting for the source when it is merged.
  await store.record([appointment(source, "APPOINTMENT_BOOKED", 1, soon)], true, 1);
  await notifications.record(merge("PATIENT_MERGED", source.patientId, target.patientId, 2), true);
  await sql`update appointment_reminders set due_at = now()`;
  assert.equal(await store.queueDueReminders(true, 50), 1);
  // A booking that stayed with the source (the target was booked then) after the merge.
  const stayed = { patientId: source.patientId, appointmentId: crypto.randomUUID() };
  await store.record([appointment(stayed, "APPOINTMENT_BOOKED", 1, soon)], true, 60 * 24);
  const mailed = async (patientId: string) =>
    (await sql<{ type: string; status: string; recipient: string }[]>`
      select type, status, recipient from notifications
      where patient_id = ${patientId} and type <> 'WELCOME' order by type`)
      .map((n) => [n.type, n.status, n.recipient]);
  assert.deepEqual(await mailed(target.patientId), [
    ["APPOINTMENT_CONFIRMATION", "PENDING", "target@example.org"],
    ["APPOINTMENT_REMINDER", "PENDING", "target@example.org"],
  ]);

  // The target merged in turn: the source's mails follow to the last one.
  await notifications.record(merge("PATIENT_MERGED", target.patientId, last.patientId, 2), true);
  await sql`update appointment_reminders set due_at = now()`;
  assert.equal(await store.queueDueReminders(true, 50), 1);
  assert.deepEqual(await mailed(last.patientId), [
    ["APPOINTMENT_REMINDER", "PENDING", "last@example.org"],
  ]);

  // Both merges undone: the source's own address again.
  await notifications.record(merge("PATIENT_UNMERGED", target.patientId, last.patientId, 3), true);
  await notifications.record(
    merge("PATIENT_UNMERGED", source.patientId, target.patientId, 3),
    true,
  );
  const again = { patientId: source.patientId, appointmentId: crypto.randomUUID() };
  await store.record([appointment(again, "APPOINTMENT_BOOKED", 1, soon)], true, 1);
  assert.deepEqual(
    (await mailed(source.patientId)).map(([type, , recipient]) => [type, recipient]),
    // The first booking's, before the merge, and this one's.
    [["APPOINTMENT_CONFIRMATION", "ada@example.org"], [
      "APPOINTMENT_CONFIRMATION",
      "ada@example.org",
    ]],
  );
});
