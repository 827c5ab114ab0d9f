import { decodePatientEvent, type PatientEvent, type ReceivedEvent } from "@pms/events";
import type { EventConsumerSpec } from "./service_manifest.ts";

/**
 * The consumer of the patient topic (`PATIENT_TOPIC`, group `PATIENT_GROUP_ID`) of a service
 * that follows merges with `handleBatch` (usually `followPatientMerges` of `@pms/events`).
 */
export function patientMergeConsumer(
  config: { PATIENT_TOPIC: string; PATIENT_GROUP_ID: string },
  handleBatch: (events: ReceivedEvent<PatientEvent>[]) => Promise<void>,
): EventConsumerSpec<PatientEvent> {
  return {
    topic: config.PATIENT_TOPIC,
    group: config.PATIENT_GROUP_ID,
    decode: decodePatientEvent,
    handleBatch,
  };
}
