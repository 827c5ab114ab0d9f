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

Deno.test("followPatientMerges() re-points encounters and signed notes, whose content stays frozen", async () => {
  await using testDb = await openTestDatabase("clinical", MIGRATIONS);
  const sql = testDb.db.sql;
  const follow = followPatientMerges(sql, ["encounters", "observations", "notes"]);
  const [source, target] = [crypto.randomUUID(), crypto.randomUUID()];
  const encounter = crypto.randomUUID();
  const note = crypto.randomUUID();
  await sql`
    insert into encounters (id, patient_id, status, class, practitioner_id)
    values (${encounter}, ${source}, 'FINISHED', 'AMBULATORY', 'u')`;
  await sql`
    insert into notes (id, encounter_id, patient_id, status, subjective, objective, assessment,
      plan, author_id, signed_at, signed_by, content_hash)
    values (${note}, ${encounter}, ${source}, 'SIGNED', 's', 'o', 'a', 'p', 'u', now(), 'u', 'h')`;

  await follow([received({ patientId: source, mergedInto: target })]);
  const [moved] = await sql`select patient_id::text as p, subjective from notes where id = ${note}`;
  assert.equal(moved!.p, target);
  const [visit] = await sql`select patient_id::text as p from encounters where id = ${encounter}`;
  assert.equal(visit!.p, target);
  await assert.rejects(sql`update notes set subjective = 'changed' where id = ${note}`, /signed/);

  await follow([
    received({ eventType: "PATIENT_UNMERGED", patientId: source, mergedInto: target }),
  ]);
  const [back] = await sql`select patient_id::text as p from notes where id = ${note}`;
  assert.equal(back!.p, source);
});
