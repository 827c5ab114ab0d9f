import {
  type AppointmentEvent,
  type BillingEvent,
  decodeAppointmentEvent,
  decodeBillingEvent,
  decodeEncounterEvent,
  decodePatientEvent,
  type EncounterEvent,
  type PatientEvent,
  type ReceivedEvent,
} from "@pms/events";
import type { EventConsumerSpec } from "./service_manifest.ts";

/** A batch handler of one topic's events. */
type Handler<T> = (events: ReceivedEvent<T>[]) => Promise<void>;

/**
 * The consumers of a service that follows every event of the clinic (the topics and groups of
 * `everyEventTopicShape` of `@pms/config`): patient, billing, appointment and clinical, each
 * decoded, with the service's handler of that topic's batches.
 */
export function everyEventConsumer(
  config: {
    PATIENT_TOPIC: string;
    PATIENT_GROUP_ID: string;
    BILLING_TOPIC: string;
    BILLING_GROUP_ID: string;
    APPOINTMENT_TOPIC: string;
    APPOINTMENT_GROUP_ID: string;
    CLINICAL_TOPIC: string;
    CLINICAL_GROUP_ID: string;
  },
  handle: {
    patient: Handler<PatientEvent>;
    billing: Handler<BillingEvent>;
    appointment: Handler<AppointmentEvent>;
    clinical: Handler<EncounterEvent>;
  },
): EventConsumerSpec[] {
  const consumers: [
    EventConsumerSpec<PatientEvent>,
    EventConsumerSpec<BillingEvent>,
    EventConsumerSpec<AppointmentEvent>,
    EventConsumerSpec<EncounterEvent>,
  ] = [
    {
      topic: config.PATIENT_TOPIC,
      group: config.PATIENT_GROUP_ID,
      decode: decodePatientEvent,
      handleBatch: handle.patient,
    },
    {
      topic: config.BILLING_TOPIC,
      group: config.BILLING_GROUP_ID,
      decode: decodeBillingEvent,
      idOf: (event) => event.eventId,
      handleBatch: handle.billing,
    },
    {
      topic: config.APPOINTMENT_TOPIC,
      group: config.APPOINTMENT_GROUP_ID,
      decode: decodeAppointmentEvent,
      idOf: (event) => event.eventId,
      handleBatch: handle.appointment,
    },
    {
      topic: config.CLINICAL_TOPIC,
      group: config.CLINICAL_GROUP_ID,
      decode: decodeEncounterEvent,
      idOf: (event) => event.eventId,
      handleBatch: handle.clinical,
    },
  ];
  return consumers;
}
