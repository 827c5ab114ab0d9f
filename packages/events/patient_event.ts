import protobuf from "protobufjs";
import { v5 as uuidv5 } from "uuid";
import { isUuid } from "@pms/ids";

/** The event types, in the order they were introduced. */
export const PATIENT_EVENT_TYPES = [
  "PATIENT_CREATED",
  "PATIENT_UPDATED",
  "PATIENT_DELETED",
  "PATIENT_RESTORED",
  "PATIENT_CONSENT_CHANGED",
  "PATIENT_MERGED",
  "PATIENT_UNMERGED",
  "PATIENT_RESTRICTION_CHANGED",
  "PATIENT_BREAK_GLASS",
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
  /** `PATIENT_CONSENT_CHANGED` only: which consent, its new status and its version. */
  consent?: { scope: string; status: string; version: number };
  /** `PATIENT_MERGED` and `PATIENT_UNMERGED` only: the target the source (`patientId`) merged into. */
  mergedInto?: string;
  /** `PATIENT_RESTRICTION_CHANGED` only: whether the record is restricted after the change. */
  restricted?: boolean;
  /** `PATIENT_BREAK_GLASS` only: the grant, whom it opens the record to, why, and until when. */
  breakGlass?: { grantId: string; userId: string; reason: string; expiresAt: Date };
}

const timestampOf = (date: Date) => {
  const millis = date.getTime();
  return { seconds: Math.floor(millis / 1000), nanos: (millis % 1000) * 1_000_000 };
};

const dateOf = (ts: { seconds?: number; nanos?: number } | null | undefined): number =>
  (ts?.seconds ?? 0) * 1000 + Math.floor((ts?.nanos ?? 0) / 1e6);

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

const MERGE_TYPES: PatientEventType[] = ["PATIENT_MERGED", "PATIENT_UNMERGED"];

/** A merge event's target: a UUID, or the event is invalid. */
function mergedInto(value: unknown): string {
  if (typeof value !== "string" || !isUuid(value)) {
    throw new InvalidEventError("merged_into is not a UUID");
  }
  return value;
}

/** Encodes an event as `patient.events.PatientEvent` wire bytes. */
export function encodePatientEvent(event: PatientEvent): Uint8Array {
  return Message.encode(Message.fromObject({
    patientId: event.patientId,
    name: event.name,
    email: event.email,
    event_type: event.eventType,
    event_id: event.eventId,
    occurred_at: timestampOf(event.occurredAt),
    version: event.version,
    ...(event.mergedInto && { merged_into: event.mergedInto }),
    ...(event.consent && {
      consent_scope: event.consent.scope,
      consent_status: event.consent.status,
      consent_version: event.consent.version,
    }),
    ...(event.restricted !== undefined && { restricted: event.restricted }),
    ...(event.breakGlass && {
      grant_id: event.breakGlass.grantId,
      grant_user_id: event.breakGlass.userId,
      grant_reason: event.breakGlass.reason,
      grant_expires_at: timestampOf(event.breakGlass.expiresAt),
    }),
  })).finish();
}

/** Where a consumed message was: its topic, partition, offset and broker timestamp (ms). */
export interface MessageOrigin {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
}

// The namespace of the event ids made for events that came without one (name-based, RFC 9562 v5).
const ORIGIN_NAMESPACE = "5b0d6c62-4a3f-4f0e-9d0c-1f6e2a7b9c31";

/**
 * Decodes and checks `patient.events.PatientEvent` wire bytes.
 *
 * An event with only the reference system's fields 1–4 (no `event_id`, no `occurred_at`) is
 * accepted when its `origin` is given: its id is then made from the message's place in the log
 * (a UUID named by topic, partition and offset, so a redelivery has the same id and is ignored)
 * and its time is the broker's timestamp.
 *
 * @throws {InvalidEventError} when the bytes do not decode, or the event lacks an id (and no
 * origin is given), a known type or a patient id.
 */
export function decodePatientEvent(
  bytes: Uint8Array | null | undefined,
  origin?: MessageOrigin,
): PatientEvent {
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
  const referenceShaped = raw.event_id === "" && origin !== undefined;
  const eventId = referenceShaped
    ? uuidv5(`${origin.topic}/${origin.partition}/${origin.offset}`, ORIGIN_NAMESPACE)
    : raw.event_id;
  if (typeof eventId !== "string" || !isUuid(eventId)) {
    throw new InvalidEventError("event_id is not a UUID");
  }
  if (typeof raw.patientId !== "string" || !isUuid(raw.patientId)) {
    throw new InvalidEventError("patientId is not a UUID");
  }
  type Timestamp = { seconds?: number; nanos?: number } | null | undefined;
  const millis = dateOf(raw.occurred_at as Timestamp);
  const occurredAt = new Date(millis === 0 && origin ? Number(origin.timestamp) : millis);
  return {
    eventId,
    eventType,
    patientId: raw.patientId,
    name: String(raw.name ?? ""),
    email: String(raw.email ?? ""),
    occurredAt,
    version: Number(raw.version ?? 0),
    ...(MERGE_TYPES.includes(eventType) && { mergedInto: mergedInto(raw.merged_into) }),
    ...(eventType === "PATIENT_CONSENT_CHANGED" && {
      consent: {
        scope: String(raw.consent_scope ?? ""),
        status: String(raw.consent_status ?? ""),
        version: Number(raw.consent_version ?? 0),
      },
    }),
    ...(eventType === "PATIENT_RESTRICTION_CHANGED" && { restricted: raw.restricted === true }),
    ...(eventType === "PATIENT_BREAK_GLASS" && {
      breakGlass: {
        grantId: String(raw.grant_id ?? ""),
        userId: String(raw.grant_user_id ?? ""),
        reason: String(raw.grant_reason ?? ""),
        expiresAt: new Date(dateOf(raw.grant_expires_at as Timestamp)),
      },
    }),
  };
}
