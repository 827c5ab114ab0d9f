/**
 * One runner for every service: a manifest (`services/<name>/service.ts`) declares the service as
 * data plus factories, and `runService(manifest)` wires config, logger, database, token
 * verification, Kafka, the app, background work and a clean stop. `main.ts` is one line.
 * `@pms/service/host` (`hostServices`) runs several of them in one process instead, each in an
 * isolate of its own.
 *
 * @module
 */
export type {
  BackgroundWork,
  EventConsumerSpec,
  ServiceConfig,
  ServiceContext,
  ServiceManifest,
  VerifyToken,
} from "./service_manifest.ts";
export { defineService } from "./define_service.ts";
export { definePatientDataService } from "./define_patient_data_service.ts";
export { createServiceApp, type CreateServiceAppOptions } from "./create_service_app.ts";
export { type RunningService, runService, type RunServiceOptions } from "./run_service.ts";
export { idempotencyKeyCleanup } from "./idempotency_key_cleanup.ts";
export { everyEventConsumer } from "./every_event_consumer.ts";
export { outboxRelayWork } from "./outbox_relay_work.ts";
export {
  type RecordServiceConfig,
  type RecordServiceParts,
  recordServiceParts,
} from "./record_service_parts.ts";
export { patientMergeConsumer } from "./patient_merge_consumer.ts";
export {
  type PatientDataConfig,
  type PatientDataParts,
  patientDataParts,
} from "./patient_data_parts.ts";
