import type { OpenAPIHono } from "@hono/zod-openapi";
import { followPatientMerges } from "@pms/events";
import type { AppEnv } from "@pms/http";
import type { ServiceTopology } from "@pms/topology";
import { idempotencyKeyCleanup } from "./idempotency_key_cleanup.ts";
import { outboxRelayWork } from "./outbox_relay_work.ts";
import {
  type PatientDataConfig,
  type PatientDataParts,
  patientDataParts,
} from "./patient_data_parts.ts";
import { patientMergeConsumer } from "./patient_merge_consumer.ts";
import type {
  BackgroundWork,
  EventConsumerSpec,
  ServiceContext,
  ServiceManifest,
} from "./service_manifest.ts";

/** The settings {@linkcode definePatientDataService} reads beyond {@linkcode patientDataParts}'. */
export interface PatientDataServiceConfig extends PatientDataConfig {
  /** The patient topic, whose merges the service follows. */
  PATIENT_TOPIC: string;
  /** The consumer group the service follows patient merges in. */
  PATIENT_GROUP_ID: string;
}

/** What a patient-data service's factories are given: its parts, its own and the runner's. */
export type PatientDataDeps<C extends PatientDataServiceConfig, D> =
  & PatientDataParts
  & D
  & ServiceContext<C>;

/** A patient-data service as {@linkcode definePatientDataService} takes it. */
export interface PatientDataService<C extends PatientDataServiceConfig, D> {
  topology: ServiceTopology;
  title: string;
  migrations: URL;
  config(source?: Record<string, string | undefined>): C;
  /** The topic its events leave to, through its outbox. */
  topic(config: C): string;
  /** Builds its own parts (its use cases, its clients) beside {@linkcode patientDataParts}. */
  setup(context: ServiceContext<C>, parts: PatientDataParts): D;
  routes(app: OpenAPIHono<AppEnv>, deps: PatientDataDeps<C, D>): void;
  /**
   * Its tables a patient merge re-points from the source to the target (an unmerge moves back
   * exactly those rows).
   */
  merges: string[];
  /** Its own background work, started after the key cleanup and before the outbox relay. */
  workers?(deps: PatientDataDeps<C, D>): BackgroundWork[];
  /** Its own consumers, after the one that follows patient merges. */
  consumers?(deps: PatientDataDeps<C, D>): EventConsumerSpec[];
  /** Releases its own clients, before its publisher is closed. */
  close?(deps: PatientDataDeps<C, D>): void | Promise<void>;
}

/**
 * The manifest of a service that keeps records about patients (scheduling, clinical), wired alike:
 * {@linkcode patientDataParts} and its own parts; routes that each declare their audit action;
 * the `Idempotency-Key` cleanup, its own work and the relay of its event outbox; the consumer
 * that follows patient merges on its `merges` tables, and its own; and its publisher closed last.
 */
export function definePatientDataService<C extends PatientDataServiceConfig, D>(
  service: PatientDataService<C, D>,
): ServiceManifest<C, PatientDataParts & D> {
  return {
    topology: service.topology,
    title: service.title,
    migrations: service.migrations,
    config: service.config,
    setup(context) {
      const parts = patientDataParts(context, service.topic(context.config));
      return { ...parts, ...service.setup(context, parts) };
    },
    routes: service.routes,
    // Each route declares its action (`defineRoute`).
    audit: {},
    workers: (deps) => [
      idempotencyKeyCleanup(deps.keys, deps.logger),
      ...(service.workers?.(deps) ?? []),
      ...outboxRelayWork(deps.db.sql, deps.publisher, deps.logger),
    ],
    consumers: (deps) => [
      patientMergeConsumer(deps.config, followPatientMerges(deps.db.sql, service.merges)),
      ...(service.consumers?.(deps) ?? []),
    ],
    async close(deps) {
      await service.close?.(deps);
      await deps.publisher?.close();
    },
  };
}
