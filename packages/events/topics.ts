/** The topic patient events are published to by default; message key = patient id. */
export const PATIENT_TOPIC = "patient";

/** The topic billing events are published to (protobuf `BillingEvent`, key = patient id). */
export const BILLING_TOPIC = "billing";

/** The topic audit records are published to (JSON, key = record id). */
export const AUDIT_TOPIC = "audit";

/** Where consumers put messages of `topic` that are not valid `PatientEvent`s. */
export function deadLetterTopic(topic: string = PATIENT_TOPIC): string {
  return `${topic}.DLT`;
}

/** The dead-letter topic of {@linkcode PATIENT_TOPIC}. */
export const DEAD_LETTER_TOPIC: string = deadLetterTopic(PATIENT_TOPIC);

/** The topic appointment events are published to (protobuf `AppointmentEvent`, key = patient id). */
export const APPOINTMENT_TOPIC = "appointment";

/** The topic encounter events are published to (protobuf `EncounterEvent`, key = patient id). */
export const CLINICAL_TOPIC = "clinical";
