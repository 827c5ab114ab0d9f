import { createBillingClient } from "@pms/billing-api";
import { followPatientMerges } from "@pms/events";
import {
  defineService,
  idempotencyKeyCleanup,
  outboxRelayWork,
  patientDataParts,
  patientMergeConsumer,
} from "@pms/service";
import { topology } from "../catalog.ts";
import { mountClinicalRoutes } from "./app.ts";
import { loadClinicalConfig } from "./config.ts";
import { createAppointmentDirectory } from "./domain/appointment_directory.ts";
import { createClinicalService } from "./domain/clinical_service.ts";
import { createChargeDispatcher } from "./workers/charge_dispatcher.ts";

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
  setup(context) {
    const { config, db } = context;
    const parts = patientDataParts(context, config.CLINICAL_TOPIC);
    const appointments = createAppointmentDirectory({ url: config.SCHEDULING_URL });
    return {
      ...parts,
      service: createClinicalService(db.sql, { patients: parts.patients, appointments }),
      currency: config.BILLING_CURRENCY,
      billing: createBillingClient({
        address: config.BILLING_GRPC_ADDRESS,
        deadlineMs: config.BILLING_DEADLINE_MS,
      }),
    };
  },
  routes: mountClinicalRoutes,
  // Each route declares its action (`defineRoute`).
  audit: {},
  workers({ config, db, logger, publisher, keys, billing }) {
    return [
      idempotencyKeyCleanup(keys, logger),
      // Finished encounters' charges, until billing has recorded each request once.
      createChargeDispatcher({
        sql: db.sql,
        billing,
        logger,
        pollMs: 500,
        retryBaseMs: config.BILLING_RETRY_BASE_MS,
        retryMaxMs: config.BILLING_RETRY_MAX_MS,
      }),
      ...outboxRelayWork(db.sql, publisher, logger),
    ];
  },
  // A merge re-points the source's encounters, observations and notes to the target; an unmerge
  // moves back exactly those.
  consumers: ({ config, db }) => [
    patientMergeConsumer(
      config,
      followPatientMerges(db.sql, ["encounters", "observations", "notes"]),
    ),
  ],
  async close({ publisher, billing }) {
    billing.close();
    await publisher?.close();
  },
});
