import protobuf from "protobufjs";
import { isUuid } from "@pms/ids";
import { InvalidEventError } from "./patient_event.ts";
import { fromTimestamp, toTimestamp, type WireTimestamp } from "./_timestamp.ts";
import { decodeWire, requireUuids, wholeVersion } from "./_wire.ts";

/** The encounter event types. */
export const ENCOUNTER_EVENT_TYPES = [
  "ENCOUNTER_STARTED",
  "ENCOUNTER_FINISHED",
  "ENCOUNTER_CANCELLED",
] as const;

/** One of {@linkcode ENCOUNTER_EVENT_TYPES}. */
export type EncounterEventType = typeof ENCOUNTER_EVENT_TYPES[number];

/** An encounter event (`clinical.events.EncounterEvent`) as the services handle it. */
export interface EncounterEvent {
  /** Unique per event (UUID); consumers record it to ignore redeliveries. */
  eventId: string;
  eventType: EncounterEventType;
  /** When the change was committed. */
  occurredAt: Date;
  encounterId: string;
  patientId: string;
  /** The appointment the encounter was opened for, or `""`. */
  appointmentId: string;
  /** The encounter's version after the change (1 when started). */
  version: number;
}

const PROTO = new URL("../../proto/clinical_event.proto", import.meta.url);
const root = new protobuf.Root().loadSync(PROTO.pathname, { keepCase: true });
const Message = root.lookupType("clinical.events.EncounterEvent");

/** Encodes an event as `clinical.events.EncounterEvent` wire bytes. */
export function encodeEncounterEvent(event: EncounterEvent): Uint8Array {
  return Message.encode(Message.fromObject({
    event_id: event.eventId,
    event_type: event.eventType,
    occurred_at: toTimestamp(event.occurredAt),
    encounter_id: event.encounterId,
    patient_id: event.patientId,
    appointment_id: event.appointmentId,
    version: event.version,
  })).finish();
}

/**
 * Decodes and checks `clinical.events.EncounterEvent` wire bytes.
 *
 * @throws {InvalidEventError} when the bytes do not decode, or the event lacks an id, a known
 * type, an encounter or patient id, or has an appointment id that is not a UUID.
 */
export function decodeEncounterEvent(bytes: Uint8Array | null | undefined): EncounterEvent {
  const raw = decodeWire(Message, bytes, ENCOUNTER_EVENT_TYPES);
  const eventType = raw.event_type;
  requireUuids(raw, ["event_id", "encounter_id", "patient_id"]);
  const appointmentId = String(raw.appointment_id ?? "");
  if (appointmentId !== "" && !isUuid(appointmentId)) {
    throw new InvalidEventError("appointment_id is not a UUID");
  }
  const version = wholeVersion(raw);
  return {
    eventId: raw.event_id as string,
    eventType,
    occurredAt: fromTimestamp(raw.occurred_at as WireTimestamp),
    encounterId: raw.encounter_id as string,
    patientId: raw.patient_id as string,
    appointmentId,
    version,
  };
}
