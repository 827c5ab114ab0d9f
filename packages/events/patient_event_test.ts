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

Deno.test("decodePatientEvent() takes the reference's event, named by its place in the log", () => {
  const reference = protobuf.parse(
    `syntax = "proto3";
    message PatientEvent { string patientId = 1; string name = 2; string email = 3; string event_type = 4; }`,
    { keepCase: true },
  ).root.lookupType("PatientEvent");
  const bytes = reference.encode(reference.fromObject({
    patientId: event.patientId,
    name: event.name,
    email: event.email,
    event_type: "PATIENT_CREATED",
  })).finish();
  const origin = { topic: "patient", partition: 2, offset: "41", timestamp: "1795953600123" };
  const decoded = decodePatientEvent(bytes, origin);
  assert.equal(decoded.eventType, "PATIENT_CREATED");
  assert.equal(decoded.patientId, event.patientId);
  assert.equal(decoded.version, 0, "no version: always applied");
  assert.equal(decoded.occurredAt.getTime(), 1795953600123, "the broker's timestamp");
  assert.match(decoded.eventId, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-/);
  assert.equal(decodePatientEvent(bytes, origin).eventId, decoded.eventId, "a redelivery");
  assert.notEqual(decodePatientEvent(bytes, { ...origin, offset: "42" }).eventId, decoded.eventId);
  assert.throws(() => decodePatientEvent(bytes), /event_id/, "without its origin");
  // Our own events keep their ids and times wherever they are.
  assert.deepEqual(decodePatientEvent(encodePatientEvent(event), origin), event);
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

Deno.test("encodePatientEvent() and decodePatientEvent() carry a consent change", () => {
  const event = {
    eventId: crypto.randomUUID(),
    eventType: "PATIENT_CONSENT_CHANGED" as const,
    patientId: crypto.randomUUID(),
    name: "",
    email: "",
    occurredAt: new Date("2026-12-01T10:00:00.000Z"),
    version: 3,
    consent: { scope: "EMAIL", status: "DENIED", version: 2 },
  };
  assert.deepEqual(decodePatientEvent(encodePatientEvent(event)), event);
});

Deno.test("encodePatientEvent() and decodePatientEvent() carry a merge's target", () => {
  for (const eventType of ["PATIENT_MERGED", "PATIENT_UNMERGED"] as const) {
    const merged: PatientEvent = {
      eventId: crypto.randomUUID(),
      eventType,
      patientId: crypto.randomUUID(),
      name: "Ann Lee",
      email: "ann@example.com",
      occurredAt: new Date("2026-12-01T10:00:00.000Z"),
      version: 4,
      mergedInto: crypto.randomUUID(),
    };
    assert.deepEqual(decodePatientEvent(encodePatientEvent(merged)), merged);
  }
});

Deno.test("decodePatientEvent() refuses a merge without its target", () => {
  const bytes = encodePatientEvent({ ...event, eventType: "PATIENT_MERGED" });
  assert.throws(() => decodePatientEvent(bytes), InvalidEventError);
});
