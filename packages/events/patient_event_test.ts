import assert from "node:assert/strict";
import protobuf from "protobufjs";
import {
  decodePatientEvent,
  encodePatientEvent,
  InvalidEventError,
  type PatientEvent,
} from "./mod.ts";

const event: PatientEvent = {
  eventId: crypto.randomUUID(),
  eventType: "PATIENT_CREATED",
  patientId: "123e4567-e89b-12d3-a456-426614174000",
  name: "John Doe",
  email: "john.doe@example.com",
  occurredAt: new Date("2026-11-24T10:00:00.123Z"),
  version: 7,
};

Deno.test("encodePatientEvent() and decodePatientEvent() round-trip", () => {
  assert.deepEqual(decodePatientEvent(encodePatientEvent(event)), event);
});

Deno.test("encodePatientEvent() keeps the reference's field numbers 1-4", () => {
  // The reference system's message: fields 1-4 only. It must read ours.
  const reference = protobuf.parse(
    `syntax = "proto3";
    message PatientEvent { string patientId = 1; string name = 2; string email = 3; string event_type = 4; }`,
    { keepCase: true },
  )
    .root.lookupType("PatientEvent");
  const decoded = reference.toObject(reference.decode(encodePatientEvent(event)));
  assert.deepEqual(decoded, {
    patientId: event.patientId,
    name: event.name,
    email: event.email,
    event_type: "PATIENT_CREATED",
  });
});

Deno.test("decodePatientEvent() rejects bytes that are not a valid event", () => {
  for (const bytes of [null, new Uint8Array(), new TextEncoder().encode("hello, not protobuf")]) {
    assert.throws(() => decodePatientEvent(bytes), InvalidEventError);
  }
  const unknownType = encodePatientEvent({ ...event, eventType: "PATIENT_EXPLODED" as never });
  assert.throws(() => decodePatientEvent(unknownType), /unknown event_type/);
  const noId = encodePatientEvent({ ...event, eventId: "" });
  assert.throws(() => decodePatientEvent(noId), /event_id/);
});
