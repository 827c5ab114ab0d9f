/** The topic patient events are published to; message key = patient id. */
export const PATIENT_TOPIC = "patient";

/** Where consumers put messages that are not valid `PatientEvent`s. */
export const DEAD_LETTER_TOPIC = "patient.DLT";
