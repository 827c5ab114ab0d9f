import { createBillingClient } from "@pms/billing-api";
import { createEventRelay, EVENT_OUTBOX_CHANNEL } from "@pms/events";
import { defineService, idempotencyKeyCleanup, recordServiceParts } from "@pms/service";
import { createPollingWorker, wakeOnCommit } from "@pms/worker";
import { topology } from "../catalog.ts";
import { mountPatientRoutes } from "./app.ts";
import { loadPatientConfig } from "./config.ts";
import { createConsentService } from "./domain/consent_service.ts";
import { createGroupService } from "./domain/group_service.ts";
import { createMergeService } from "./domain/merge_service.ts";
import { createPatientService } from "./domain/patient_service.ts";
import { createRestrictionService } from "./domain/restriction_service.ts";
import { createRestrictionAccess } from "./domain/restriction_access.ts";
import { createExportRunner } from "./domain/export_runner.ts";
import { createExportService } from "./domain/export_service.ts";
import { sweepExportJobs } from "./store/export_store.ts";
import { seedDemoPatients } from "./seed.ts";
import { BILLING_CHANNEL } from "./store/billing_request_store.ts";
import { createBillingDispatcher } from "./workers/billing_dispatcher.ts";

/**
 * The patient service. Every change queues its event (and a new patient its billing account) in
 * its own transaction; the relay and the dispatcher deliver them, however long the broker or
 * billing is away.
 */
export const patient = defineService({
  topology: topology("patient"),
  title: "Patient Service API",
  migrations: new URL("./migrations", import.meta.url),
  config: loadPatientConfig,
  async setup(context) {
    const { config, db, logger } = context;
    if (config.SEED_DEMO_DATA) await seedDemoPatients(db.sql, logger);
    const access = createRestrictionAccess(db.sql, logger);
    const related = { schedulingUrl: config.SCHEDULING_URL, clinicalUrl: config.CLINICAL_URL };
    const exportRunner = createExportRunner({ sql: db.sql, logger, related });
    const billing = createBillingClient({
      address: config.BILLING_GRPC_ADDRESS,
      deadlineMs: config.BILLING_DEADLINE_MS,
    });
    return {
      ...recordServiceParts(context, config.PATIENT_TOPIC),
      billing,
      service: createPatientService(db.sql, { listCachePages: config.LIST_CACHE_PAGES }),
      groups: createGroupService(db.sql),
      consents: createConsentService(db.sql),
      merges: createMergeService(db.sql, { undoDays: config.MERGE_UNDO_DAYS }),
      restrictions: createRestrictionService(db.sql, {
        breakGlassMinutes: config.BREAK_GLASS_MINUTES,
        access,
      }),
      access,
      fhirBaseUrl: config.FHIR_BASE_URL,
      related,
      exportRunner,
      exports: createExportService(db.sql, exportRunner, { ttlHours: config.EXPORT_TTL_HOURS }),
    };
  },
  routes: mountPatientRoutes,
  // Each route declares its action (`defineRoute`).
  audit: {},
  workers({ config, db, logger, publisher, billing, keys, access, exportRunner }) {
    const relay = publisher && createEventRelay({
      sql: db.sql,
      publisher,
      logger,
      batchSize: config.OUTBOX_BATCH_SIZE,
      pollMs: config.OUTBOX_POLL_MS,
    });
    const dispatcher = createBillingDispatcher({
      sql: db.sql,
      billing,
      logger,
      pollMs: config.OUTBOX_POLL_MS,
      retryBaseMs: config.BILLING_RETRY_BASE_MS,
      retryMaxMs: config.BILLING_RETRY_MAX_MS,
    });
    // A commit in this process wakes its relay and dispatcher at once; work another instance
    // queued is found at the next poll (OUTBOX_POLL_MS).
    const wake = { [BILLING_CHANNEL]: dispatcher, ...(relay && { [EVENT_OUTBOX_CHANNEL]: relay }) };
    // Keys older than IDEMPOTENCY_TTL_SECONDS are deleted every ten minutes.
    const keyCleanup = idempotencyKeyCleanup(keys, logger);
    // Expired exports (EXPORT_TTL_HOURS) and their files are deleted every ten minutes.
    const exportSweep = createPollingWorker({
      name: "export expiry",
      logger,
      pollMs: 10 * 60_000,
      round: () => sweepExportJobs(db.sql),
    });
    return [
      // First: the access rules in memory before the other work (the routes ask the database
      // until they are loaded).
      access,
      ...(relay ? [relay] : []),
      dispatcher,
      keyCleanup,
      exportSweep,
      // Last to start, first to stop: running exports end their part and are marked interrupted.
      exportRunner,
      wakeOnCommit(wake),
    ];
  },
  async close({ publisher, billing }) {
    await publisher?.close();
    billing.close();
  },
});
