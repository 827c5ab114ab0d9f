/**
 * Events on Kafka: the protobuf `patient.events.PatientEvent` (from `proto/patient_event.proto`)
 * `billing.events.BillingEvent` (`proto/billing_event.proto`), `appointment.events.AppointmentEvent`
 * (`proto/appointment_event.proto`), `clinical.events.EncounterEvent` (`proto/clinical_event.proto`),
 * topic names, and the Kafka client settings every service shares.
 *
 * Importing it also mends kafkajs' request queue (see `kafkajs_request_queue_fix.ts`), its
 * writing of variable-length integers (`kafkajs_varint_fix.ts`), its encoding of produce
 * requests (`kafkajs_produce_encoder.ts`) and its grouping of a send's messages by partition
 * (`kafkajs_grouping_fix.ts`, which must be evaluated before kafkajs's entry, so first).
 *
 * @module
 */
import "./kafkajs_grouping_fix.ts";
import "./kafkajs_produce_encoder.ts";
import "./kafkajs_request_queue_fix.ts";
import "./kafkajs_varint_fix.ts";
export {
  decodePatientEvent,
  encodePatientEvent,
  InvalidEventError,
  type MessageOrigin,
  PATIENT_EVENT_TYPES,
  type PatientEvent,
  type PatientEventType,
} from "./patient_event.ts";
export {
  BILLING_EVENT_TYPES,
  type BillingEvent,
  type BillingEventType,
  decodeBillingEvent,
  encodeBillingEvent,
} from "./billing_event.ts";
export {
  APPOINTMENT_EVENT_TYPES,
  APPOINTMENT_STATUSES,
  type AppointmentEvent,
  type AppointmentEventType,
  type AppointmentStatus,
  decodeAppointmentEvent,
  encodeAppointmentEvent,
} from "./appointment_event.ts";
export {
  decodeEncounterEvent,
  encodeEncounterEvent,
  ENCOUNTER_EVENT_TYPES,
  type EncounterEvent,
  type EncounterEventType,
} from "./encounter_event.ts";
export {
  APPOINTMENT_TOPIC,
  AUDIT_TOPIC,
  BILLING_TOPIC,
  CLINICAL_TOPIC,
  DEAD_LETTER_TOPIC,
  deadLetterTopic,
  PATIENT_TOPIC,
} from "./topics.ts";
export {
  createEventPublisher,
  type EventPublisher,
  type EventPublisherOptions,
  type OutgoingMessage,
} from "./create_event_publisher.ts";
export { createKafka, type CreateKafkaOptions } from "./create_kafka.ts";
export {
  type KafkaSasl,
  type KafkaSaslMechanism,
  type KafkaSecurity,
  kafkaSecurity,
  type KafkaSecuritySettings,
} from "./kafka_security.ts";
export { JavaPartitioner } from "./java_partitioner.ts";
export {
  type EventConsumer,
  type EventConsumerOptions,
  type EventContext,
  type EventDecoder,
  type ReceivedEvent,
  startEventConsumer,
} from "./start_event_consumer.ts";
export { incoming, inVersionOrder } from "./version_order.ts";
export {
  default as createEventOutbox,
  EVENT_OUTBOX_CHANNEL,
  insertOutboxEvents,
  outboxInsert,
  publishOutboxEvents,
  type QueuedEvent,
} from "./event_outbox.ts";
export { createEventRelay, type EventRelayOptions } from "./create_event_relay.ts";
export { createPatientMergeTables, followPatientMerges } from "./follow_patient_merges.ts";
