import type { Tx } from "@pms/db";
import { encodePatientEvent } from "@pms/events";
import { enqueueChange } from "../store/outbox_store.ts";
import type { PatientChange } from "./patient_service.ts";

/**
 * The patient service's `onChange`: in the change's own transaction, queues its
 * `PatientEvent` for the relay and, for a new patient, the opening of a billing account. Both
 * commit or roll back with the change itself (transactional outbox).
 */
export async function recordChange(tx: Tx, change: PatientChange): Promise<void> {
  const { patient, type, traceparent = null } = change;
  const eventId = crypto.randomUUID();
  const payload = encodePatientEvent({
    eventId,
    eventType: type,
    patientId: patient.id,
    name: patient.name,
    email: patient.email,
    occurredAt: new Date(),
  });
  await enqueueChange(
    tx,
    { eventId, eventType: type, patientId: patient.id, payload, traceparent },
    type === "PATIENT_CREATED"
      ? { patientId: patient.id, name: patient.name, email: patient.email, traceparent }
      : undefined,
  );
}
