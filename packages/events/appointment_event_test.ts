import assert from "node:assert/strict";
import {
  type AppointmentEvent,
  decodeAppointmentEvent,
  encodeAppointmentEvent,
} from "./appointment_event.ts";
import { InvalidEventError } from "./patient_event.ts";

const event: AppointmentEvent = {
  eventId: crypto.randomUUID(),
  eventType: "APPOINTMENT_BOOKED",
  occurredAt: new Date("2026-11-26T10:00:00.123Z"),
  appointmentId: crypto.randomUUID(),
  patientId: crypto.randomUUID(),
  scheduleId: crypto.randomUUID(),
  start: new Date("2026-12-01T08:00:00Z"),
  end: new Date("2026-12-01T08:15:00Z"),
  status: "BOOKED",
  version: 1,
  timeZone: "Europe/Paris",
};

Deno.test("encodeAppointmentEvent() and decodeAppointmentEvent() round-trip every field", () => {
  assert.deepEqual(decodeAppointmentEvent(encodeAppointmentEvent(event)), event);
});

Deno.test("decodeAppointmentEvent() refuses bytes that are no valid event", () => {
  const bad = [
    new Uint8Array(),
    new Uint8Array([0xff, 0xff, 0xff]),
    encodeAppointmentEvent({ ...event, eventType: "MOVED" as AppointmentEvent["eventType"] }),
    encodeAppointmentEvent({ ...event, status: "LATE" as AppointmentEvent["status"] }),
    encodeAppointmentEvent({ ...event, patientId: "x" }),
    encodeAppointmentEvent({ ...event, scheduleId: "" }),
    encodeAppointmentEvent({ ...event, end: event.start }),
  ];
  for (const bytes of bad) assert.throws(() => decodeAppointmentEvent(bytes), InvalidEventError);
});
