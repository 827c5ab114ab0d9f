import { createEventPublisher, createEventRelay, EVENT_OUTBOX_CHANNEL } from "@pms/events";
import { createIdempotencyStore } from "@pms/http";
import { createPatientDirectory } from "@pms/patient_directory";
import { defineService } from "@pms/service";
import { createPollingWorker, wakeOnCommit } from "@pms/worker";
import { topology } from "../catalog.ts";
import { mountClinicalRoutes } from "./app.ts";
import { loadClinicalConfig } from "./config.ts";
import { createAppointmentDirectory } from "./domain/appointment_directory.ts";
import { createClinicalService } from "./domain/clinical_service.ts";

/**
 * The clinical service: encounters of a patient's visit, their vital-sign observations (LOINC,
 * UCUM) and clinical notes that are signed with a content hash and never change after. Its
 * events leave through an outbox to topic `clinical`; a finished encounter's charges wait in an
 * outbox of their own for billing.
 */
export const clinical = defineService({
  topology: topology("clinical"),
  title: "Clinical Service API",
  migrations: new URL("./migrations", import.meta.url),
  config: loadClinicalConfig,
  setup({ config, db, kafka, logger }) {
    return {
      service: createClinicalService(db.sql, {
        patients: createPatientDirectory({ url: config.PATIENT_URL }),
        appointments: createAppointmentDirectory({ url: config.SCHEDULING_URL }),
      }),
      keys: createIdempotencyStore(db.sql, { ttlSeconds: config.IDEMPOTENCY_TTL_SECONDS }),
      publisher: kafka
        ? createEventPublisher({ kafka, topic: config.CLINICAL_TOPIC, logger })
        : undefined,
      paging: { defaultSize: config.PAGE_SIZE_DEFAULT, maxSize: config.PAGE_SIZE_MAX },
      maxBodyBytes: config.MAX_BODY_BYTES,
    };
  },
  routes: mountClinicalRoutes,
  // Each route declares its action (`defineRoute`).
  audit: {},
  workers({ db, logger, publisher, keys }) {
    const relay = publisher && createEventRelay({ sql: db.sql, publisher, logger, pollMs: 250 });
    return [
      // Keys older than IDEMPOTENCY_TTL_SECONDS are deleted every ten minutes.
      createPollingWorker({
        name: "idempotency key cleanup",
        logger,
        pollMs: 10 * 60_000,
        round: () => keys.deleteExpired(),
      }),
      ...(relay ? [relay, wakeOnCommit({ [EVENT_OUTBOX_CHANNEL]: relay })] : []),
    ];
  },
  async close({ publisher }) {
    await publisher?.close();
  },
});
