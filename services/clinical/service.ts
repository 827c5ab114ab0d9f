import { createBillingClient } from "@pms/billing-api";
import { definePatientDataService } from "@pms/service";
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
export const clinical = definePatientDataService({
  topology: topology("clinical"),
  title: "Clinical Service API",
  migrations: new URL("./migrations", import.meta.url),
  config: loadClinicalConfig,
  topic: (config) => config.CLINICAL_TOPIC,
  setup({ config, db }, { patients }) {
    const appointments = createAppointmentDirectory({ url: config.SCHEDULING_URL });
    return {
      service: createClinicalService(db.sql, { patients, appointments }),
      currency: config.BILLING_CURRENCY,
      billing: createBillingClient({
        address: config.BILLING_GRPC_ADDRESS,
        deadlineMs: config.BILLING_DEADLINE_MS,
      }),
    };
  },
  routes: mountClinicalRoutes,
  // A merge re-points the source's encounters, observations and notes to the target; an unmerge
  // moves back exactly those.
  merges: ["encounters", "observations", "notes"],
  workers: ({ config, db, logger, billing }) => [
    // Finished encounters' charges, until billing has recorded each request once.
    createChargeDispatcher({
      sql: db.sql,
      billing,
      logger,
      pollMs: 500,
      retryBaseMs: config.BILLING_RETRY_BASE_MS,
      retryMaxMs: config.BILLING_RETRY_MAX_MS,
    }),
  ],
  close: ({ billing }) => billing.close(),
});
