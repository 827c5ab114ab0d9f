import protobuf from "protobufjs";
import { InvalidEventError } from "./patient_event.ts";
import { fromTimestamp, toTimestamp, type WireTimestamp } from "./_timestamp.ts";
import { decodeWire, requireUuids, wholeVersion } from "./_wire.ts";

/** The appointment event types. */
export const APPOINTMENT_EVENT_TYPES = [
  "APPOINTMENT_BOOKED",
  "APPOINTMENT_CHANGED",
  "APPOINTMENT_STATUS_CHANGED",
] as const;

/** One of {@linkcode APPOINTMENT_EVENT_TYPES}. */
export type AppointmentEventType = typeof APPOINTMENT_EVENT_TYPES[number];

/** The statuses of an appointment. */
export const APPOINTMENT_STATUSES = [
  "BOOKED",
  "ARRIVED",
  "FULFILLED",
  "CANCELLED",
  "NOSHOW",
] as const;

/** One of {@linkcode APPOINTMENT_STATUSES}. */
export type AppointmentStatus = typeof APPOINTMENT_STATUSES[number];

/** An appointment event (`appointment.events.AppointmentEvent`) as the services handle it. */
export interface AppointmentEvent {
  /** Unique per event (UUID); consumers record it to ignore redeliveries. */
  eventId: string;
  eventType: AppointmentEventType;
  /** When the change was committed. */
  occurredAt: Date;
  appointmentId: string;
  patientId: string;
  scheduleId: string;
  start: Date;
  end: Date;
  /** The status after the change. */
  status: AppointmentStatus;
  /** The appointment's version after the change (1 when booked). */
  version: number;
  /** The schedule's IANA time zone (`""` from a producer that does not send it). */
  timeZone: string;
}

const PROTO = new URL("../../proto/appointment_event.proto", import.meta.url);
const root = new protobuf.Root().loadSync(PROTO.pathname, { keepCase: true });
const Message = root.lookupType("appointment.events.AppointmentEvent");

/** Encodes an event as `appointment.events.AppointmentEvent` wire bytes. */
export function encodeAppointmentEvent(event: AppointmentEvent): Uint8Array {
  return Message.encode(Message.fromObject({
    event_id: event.eventId,
    event_type: event.eventType,
    occurred_at: toTimestamp(event.occurredAt),
    appointment_id: event.appointmentId,
    patient_id: event.patientId,
    schedule_id: event.scheduleId,
    start: toTimestamp(event.start),
    end: toTimestamp(event.end),
    status: event.status,
    version: event.version,
    time_zone: event.timeZone,
  })).finish();
}

/**
 * Decodes and checks `appointment.events.AppointmentEvent` wire bytes.
 *
 * @throws {InvalidEventError} when the bytes do not decode, or the event lacks an id, a known
 * type or status, a patient, appointment or schedule id, or a start before its end.
 */
export function decodeAppointmentEvent(bytes: Uint8Array | null | undefined): AppointmentEvent {
  const raw = decodeWire(Message, bytes, APPOINTMENT_EVENT_TYPES);
  const eventType = raw.event_type;
  const status = raw.status as AppointmentStatus;
  if (!APPOINTMENT_STATUSES.includes(status)) throw new InvalidEventError("unknown status");
  requireUuids(raw, ["event_id", "appointment_id", "patient_id", "schedule_id"]);
  const start = fromTimestamp(raw.start as WireTimestamp);
  const end = fromTimestamp(raw.end as WireTimestamp);
  if (!(start.getTime() < end.getTime())) throw new InvalidEventError("start is not before end");
  const version = wholeVersion(raw);
  return {
    eventId: raw.event_id as string,
    eventType,
    occurredAt: fromTimestamp(raw.occurred_at as WireTimestamp),
    appointmentId: raw.appointment_id as string,
    patientId: raw.patient_id as string,
    scheduleId: raw.schedule_id as string,
    start,
    end,
    status,
    version,
    timeZone: String(raw.time_zone ?? ""),
  };
}
