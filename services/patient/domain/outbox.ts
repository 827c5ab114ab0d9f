import type { AuditRecord } from "@pms/audit";
import type { Tx } from "@pms/db";
import { encodePatientEvent, type PatientEventType } from "@pms/events";
import { enqueueChange } from "../store/outbox_store.ts";
import type { PatientRecord } from "../store/patient_store.ts";

/**
 * Queues a change's `PatientEvent` for the relay, its audit record (when given) and, for a new
 * patient, the opening of its billing account, in the change's own transaction: all commit or
 * roll back with the change (transactional outbox).
 */
export async function queueChange(
  tx: Tx,
  type: PatientEventType,
  patient: PatientRecord,
  traceparent: string | null = null,
  audit?: AuditRecord,
): Promise<void> {
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
  await enqueueChange(
    tx,
    { eventId, eventType: type, patientId: patient.id, payload, traceparent },
    type === "PATIENT_CREATED"
      ? { patientId: patient.id, name: patient.name, email: patient.email, traceparent }
      : undefined,
    audit,
  );
}
