import { AUDIT_CHANNEL, type AuditRecord, insertAuditRecords } from "@pms/audit";
import type { Tx } from "@pms/db";
import {
  encodePatientEvent,
  EVENT_OUTBOX_CHANNEL,
  outboxInsert,
  type PatientEvent,
  type PatientEventType,
} from "@pms/events";
import { BILLING_CHANNEL, insertBillingRequest } from "../store/billing_request_store.ts";
import type { PatientRecord } from "./patient_record.ts";

/** What a change's event is built from: the patient as the change leaves it. */
export type ChangedPatient = Pick<PatientRecord, "id" | "name" | "email" | "version">;

/** The fields of an event that only some types carry (a consent, a restriction, a grant). */
export type EventExtra = Pick<PatientEvent, "consent" | "restricted" | "breakGlass" | "mergedInto">;

/**
 * The writes that queue a change's `PatientEvent` (key = patient id, so one patient's events stay
 * in order), its audit record (when given) and, for a new patient, the opening of its billing
 * account: `ctes`, common table expressions for the change's own statement (to follow other CTEs
 * after a comma), and `channels`, what to signal once it has committed (`signalCommit`). A create
 * puts them in its insert: one statement, one round trip, atomic without BEGIN and COMMIT.
 */
export function changeQueued(
  tx: Tx,
  type: PatientEventType,
  patient: ChangedPatient,
  traceparent: string | null = null,
  audit?: AuditRecord,
  extra: EventExtra = {},
): { ctes: ReturnType<Tx>; channels: string[] } {
  const payload = encodePatientEvent({
    eventId: crypto.randomUUID(),
    eventType: type,
    patientId: patient.id,
    name: patient.name,
    email: patient.email,
    occurredAt: new Date(),
    version: patient.version,
    ...extra,
  });
  const billing = type === "PATIENT_CREATED";
  const queueBilling = billing
    ? tx`, b as (${
      insertBillingRequest(tx, {
        patientId: patient.id,
        name: patient.name,
        email: patient.email,
        traceparent,
      })
    })`
    : tx``;
  const queueAudit = audit ? tx`, a as (${insertAuditRecords(tx, [audit])})` : tx``;
  return {
    ctes: tx`e as (${
      outboxInsert(tx, [{ key: patient.id, payload, traceparent }])
    }) ${queueBilling} ${queueAudit}`,
    channels: [
      EVENT_OUTBOX_CHANNEL,
      ...(billing ? [BILLING_CHANNEL] : []),
      ...(audit ? [AUDIT_CHANNEL] : []),
    ],
  };
}

/** A change's queue (see {@linkcode changeQueued}). */
export type ChangeQueue = ReturnType<typeof changeQueued>;

/**
 * Queues a change's event, audit record and billing request (see {@linkcode changeQueued}) in
 * the change's own transaction: all commit or roll back with the change (transactional outbox).
 * Takes the arguments of {@linkcode changeQueued}; resolves with the channels to signal after the
 * commit.
 */
export async function queueChange(
  ...change: Parameters<typeof changeQueued>
): Promise<string[]> {
  const [tx] = change;
  const queued = changeQueued(...change);
  await tx`with ${queued.ctes} select 1`;
  return queued.channels;
}
