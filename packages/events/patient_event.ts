import protobuf from "protobufjs";
import { isUuid } from "@pms/ids";

/** The event types, in the order they were introduced. */
export const PATIENT_EVENT_TYPES = [
  "PATIENT_CREATED",
  "PATIENT_UPDATED",
  "PATIENT_DELETED",
  "PATIENT_RESTORED",
] as const;

/** One of {@linkcode PATIENT_EVENT_TYPES}. */
export type PatientEventType = typeof PATIENT_EVENT_TYPES[number];

/** A patient event as the services handle it. */
export interface PatientEvent {
  /** Unique per event (UUID); consumers record it to ignore redeliveries. */
  eventId: string;
  eventType: PatientEventType;
  patientId: string;
  name: string;
  email: string;
  /** When the change was committed. */
  occurredAt: Date;
  /** The patient's version after the change; 0 when the producer did not say. */
  version: number;
}

/** Thrown by {@linkcode decodePatientEvent} for bytes that are not a valid event. */
export class InvalidEventError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidEventError";
  }
}

const PROTO = new URL("../../proto/patient_event.proto", import.meta.url);
// keepCase: the fields are named as in the .proto (`event_type`, not `eventType`).
const root = new protobuf.Root().loadSync(PROTO.pathname, { keepCase: true });
const Message = root.lookupType("patient.events.PatientEvent");

/** Encodes an event as `patient.events.PatientEvent` wire bytes. */
export function encodePatientEvent(event: PatientEvent): Uint8Array {
  const millis = event.occurredAt.getTime();
  return Message.encode(Message.fromObject({
    patientId: event.patientId,
    name: event.name,
    email: event.email,
    event_type: event.eventType,
    event_id: event.eventId,
    occurred_at: { seconds: Math.floor(millis / 1000), nanos: (millis % 1000) * 1_000_000 },
    version: event.version,
  })).finish();
}

/**
 * Decodes and checks `patient.events.PatientEvent` wire bytes.
 *
 * @throws {InvalidEventError} when the bytes do not decode, or the event lacks an id, a known
 * type or a patient id.
 */
export function decodePatientEvent(bytes: Uint8Array | null | undefined): PatientEvent {
  if (!bytes || bytes.length === 0) throw new InvalidEventError("empty message");
  let raw: Record<string, unknown>;
  try {
    raw = Message.toObject(Message.decode(bytes), { longs: Number, defaults: true });
  } catch (error) {
    throw new InvalidEventError("not a PatientEvent", { cause: error });
  }
  const eventType = raw.event_type as PatientEventType;
  if (!PATIENT_EVENT_TYPES.includes(eventType)) {
    throw new InvalidEventError("unknown event_type");
  }
  if (typeof raw.event_id !== "string" || !isUuid(raw.event_id)) {
    throw new InvalidEventError("event_id is not a UUID");
  }
  if (typeof raw.patientId !== "string" || !isUuid(raw.patientId)) {
    throw new InvalidEventError("patientId is not a UUID");
  }
  const ts = raw.occurred_at as { seconds?: number; nanos?: number } | undefined;
  const occurredAt = new Date((ts?.seconds ?? 0) * 1000 + Math.floor((ts?.nanos ?? 0) / 1e6));
  return {
    eventId: raw.event_id,
    eventType,
    patientId: raw.patientId,
    name: String(raw.name ?? ""),
    email: String(raw.email ?? ""),
    occurredAt,
    version: Number(raw.version ?? 0),
  };
}
