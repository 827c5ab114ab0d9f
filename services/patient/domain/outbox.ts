import type { AuditRecord } from "@pms/audit";
import type { Tx } from "@pms/db";
import { encodePatientEvent, type PatientEventType } from "@pms/events";
import { type ChangeQueue, changeQueue, enqueueChange } from "../store/outbox_store.ts";
import type { PatientRecord } from "../store/patient_store.ts";

/** What a change's event is built from: the patient as the change leaves it. */
export type ChangedPatient = Pick<PatientRecord, "id" | "name" | "email" | "version">;

/**
 * A change's `PatientEvent`, its audit record (when given) and, for a new patient, the opening of
 * its billing account, as the writes that queue them (see `changeQueue`), to be part of the
 * change's own statement.
 */
export function changeQueued(
  tx: Tx,
  type: PatientEventType,
  patient: ChangedPatient,
  traceparent: string | null = null,
  audit?: AuditRecord,
): ChangeQueue {
  const eventId = crypto.randomUUID();
  const payload = encodePatientEvent({
    eventId,
    eventType: type,
    patientId: patient.id,
    name: patient.name,
    email: patient.email,
    occurredAt: new Date(),
    version: patient.version,
  });
  return changeQueue(
    tx,
    { eventId, eventType: type, patientId: patient.id, payload, traceparent },
    type === "PATIENT_CREATED"
      ? { patientId: patient.id, name: patient.name, email: patient.email, traceparent }
      : undefined,
    audit,
  );
}

/**
 * Queues a change's event, audit record and billing request (see {@linkcode changeQueued}) in
 * the change's own transaction: all commit or roll back with the change (transactional outbox).
 */
export async function queueChange(
  tx: Tx,
  type: PatientEventType,
  patient: ChangedPatient,
  traceparent: string | null = null,
  audit?: AuditRecord,
): Promise<void> {
  await enqueueChange(tx, changeQueued(tx, type, patient, traceparent, audit));
}
