import assert from "node:assert/strict";
import type { PatientEvent } from "@pms/events";
import { deliveryBody, fromPatientEvent } from "./webhook_event.ts";

const patientEvent = (eventType: PatientEvent["eventType"], extra: Partial<PatientEvent> = {}) => ({
  eventId: crypto.randomUUID(),
  eventType,
  patientId: crypto.randomUUID(),
  name: "Ada Lovelace",
  email: "ada@example.com",
  occurredAt: new Date("2026-12-04T10:00:00Z"),
  version: 2,
  ...extra,
});

Deno.test("fromPatientEvent() maps each subscribable change, ids only", () => {
  for (
    const [eventType, type] of [
      ["PATIENT_CREATED", "patient.created"],
      ["PATIENT_UPDATED", "patient.updated"],
      ["PATIENT_DELETED", "patient.deleted"],
      ["PATIENT_RESTORED", "patient.restored"],
    ] as const
  ) {
    const e = patientEvent(eventType);
    const hook = fromPatientEvent(e);
    assert.deepEqual(hook, {
      id: e.eventId,
      type,
      occurredAt: e.occurredAt,
      patientId: e.patientId,
      data: { patientId: e.patientId },
    });
    assert.doesNotMatch(deliveryBody(hook!), /Ada|ada@/);
  }
});

Deno.test("fromPatientEvent() makes a merge patient.merged naming both patients", () => {
  const target = crypto.randomUUID();
  const e = patientEvent("PATIENT_MERGED", { mergedInto: target });
  const hook = fromPatientEvent(e);
  assert.equal(hook?.type, "patient.merged");
  assert.equal(hook?.patientId, e.patientId);
  assert.deepEqual(hook?.data, { patientId: e.patientId, mergedInto: target });
  assert.deepEqual(hook?.alsoPatientIds, [target], "the target's consent and disclosure too");
});

Deno.test("fromPatientEvent() makes no webhook event of other changes", () => {
  for (
    const eventType of [
      "PATIENT_CONSENT_CHANGED",
      "PATIENT_UNMERGED",
      "PATIENT_RESTRICTION_CHANGED",
      "PATIENT_BREAK_GLASS",
    ] as const
  ) {
    assert.equal(fromPatientEvent(patientEvent(eventType)), undefined);
  }
});
