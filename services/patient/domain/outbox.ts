import { AUDIT_CHANNEL, type AuditRecord, insertAuditRecords } from "@pms/audit";
import type { Tx } from "@pms/db";
import {
  encodePatientEvent,
  EVENT_OUTBOX_CHANNEL,
  outboxInsert,
  type PatientEvent,
  type PatientEventType,
} from "@pms/events";
import { BILLING_CHANNEL, insertBillingRequests } from "../store/billing_request_store.ts";
import type { PatientRecord } from "./patient_record.ts";

/** What a change's event is built from: the patient as the change leaves it. */
export type ChangedPatient = Pick<PatientRecord, "id" | "name" | "email" | "version">;

/** The fields of an event that only some types carry (a consent, a restriction, a grant). */
export type EventExtra = Pick<PatientEvent, "consent" | "restricted" | "breakGlass" | "mergedInto">;

/**
 * The writes that queue a change's `PatientEvent` (key = patient id, so one patient's events stay
 * in order) and its audit record (when given): `ctes`, common table expressions for the change's
 * own statement (to follow other CTEs after a comma), and `channels`, what to signal once it has
 * committed (`signalCommit`). New patients queue theirs with {@linkcode createsQueued}.
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
  const queueAudit = audit ? tx`, a as (${insertAuditRecords(tx, [audit])})` : tx``;
  return {
    ctes: tx`e as (${outboxInsert(tx, [{ key: patient.id, payload, traceparent }])}) ${queueAudit}`,
    channels: [EVENT_OUTBOX_CHANNEL, ...(audit ? [AUDIT_CHANNEL] : [])],
  };
}

/** A new patient as {@linkcode createsQueued} queues it. */
export interface QueuedCreate {
  /** The patient at version 1. */
  patient: ChangedPatient;
  /** W3C `traceparent` of the request, carried on to the event and the billing request. */
  traceparent: string | null;
  /** The request's audit record naming the patient, when the request is audited. */
  audit?: AuditRecord;
}

/**
 * The writes that queue new patients' `PATIENT_CREATED` events, the opening of their billing
 * accounts and their audit records (one outbox row for them all), as {@linkcode changeQueued}
 * gives them: CTEs for the creates' own statement, and the channels to signal after the commit.
 * The statement's text is the same for any number of patients.
 */
export function createsQueued(
  tx: Tx,
  creates: QueuedCreate[],
): { ctes: ReturnType<Tx>; channels: string[] } {
  const occurredAt = new Date();
  const events = creates.map(({ patient, traceparent }) => ({
    key: patient.id,
    payload: encodePatientEvent({
      eventId: crypto.randomUUID(),
      eventType: "PATIENT_CREATED",
      patientId: patient.id,
      name: patient.name,
      email: patient.email,
      occurredAt,
      version: patient.version,
    }),
    traceparent,
  }));
  const audits = creates.flatMap((c) => c.audit ? [c.audit] : []);
  const queueAudit = audits.length > 0 ? tx`, a as (${insertAuditRecords(tx, audits)})` : tx``;
  return {
    ctes: tx`e as (${outboxInsert(tx, events)}),
      b as (${
      insertBillingRequests(
        tx,
        creates.map(({ patient, traceparent }) => ({
          patientId: patient.id,
          name: patient.name,
          email: patient.email,
          traceparent,
        })),
      )
    }) ${queueAudit}`,
    channels: [
      EVENT_OUTBOX_CHANNEL,
      BILLING_CHANNEL,
      ...(audits.length > 0 ? [AUDIT_CHANNEL] : []),
    ],
  };
}

/** A change's queue (see {@linkcode changeQueued}). */
export type ChangeQueue = ReturnType<typeof changeQueued>;

/**
 * Queues a change's event and audit record (see {@linkcode changeQueued}) in the change's own
 * transaction: all commit or roll back with the change (transactional outbox).
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
