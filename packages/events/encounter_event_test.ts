import assert from "node:assert/strict";
import {
  decodeEncounterEvent,
  encodeEncounterEvent,
  type EncounterEvent,
} from "./encounter_event.ts";
import { InvalidEventError } from "./patient_event.ts";

const event: EncounterEvent = {
  eventId: crypto.randomUUID(),
  eventType: "ENCOUNTER_FINISHED",
  occurredAt: new Date("2026-11-26T10:00:00.123Z"),
  encounterId: crypto.randomUUID(),
  patientId: crypto.randomUUID(),
  appointmentId: crypto.randomUUID(),
  version: 2,
};

Deno.test("encodeEncounterEvent() and decodeEncounterEvent() round-trip every field", () => {
  assert.deepEqual(decodeEncounterEvent(encodeEncounterEvent(event)), event);
  const walkIn = { ...event, appointmentId: "" };
  assert.deepEqual(decodeEncounterEvent(encodeEncounterEvent(walkIn)), walkIn);
});

Deno.test("decodeEncounterEvent() refuses bytes that are no valid event", () => {
  const bad = [
    new Uint8Array(),
    new Uint8Array([0xff, 0xff, 0xff]),
    encodeEncounterEvent({ ...event, eventType: "PAUSED" as EncounterEvent["eventType"] }),
    encodeEncounterEvent({ ...event, encounterId: "x" }),
    encodeEncounterEvent({ ...event, appointmentId: "nope" }),
  ];
  for (const bytes of bad) assert.throws(() => decodeEncounterEvent(bytes), InvalidEventError);
});
