import { defineService, everyEventConsumer } from "@pms/service";
import { topology } from "../catalog.ts";
import { mountAnalyticsRoutes } from "./app.ts";
import { loadAnalyticsConfig } from "./config.ts";
import { countBillingEvents } from "./consumers/count_billing_events.ts";
import { appointmentKey, countKeyedEvents, encounterKey } from "./consumers/count_keyed_events.ts";
import { countPatientEvents } from "./consumers/count_patient_events.ts";
import { createAnalyticsStore } from "./store/analytics_store.ts";

/**
 * The analytics service: totals counted from the patient, billing, appointment and encounter
 * events it consumes.
 */
export const analytics = defineService({
  topology: topology("analytics"),
  title: "Analytics Service API",
  migrations: new URL("./migrations", import.meta.url),
  config: loadAnalyticsConfig,
  setup: ({ db }) => ({ store: createAnalyticsStore(db.sql) }),
  routes: mountAnalyticsRoutes,
  // Each route declares its action (`defineRoute`).
  audit: {},
  consumers: ({ config, store, logger }) =>
    everyEventConsumer(config, {
      patient: countPatientEvents(store, logger),
      billing: countBillingEvents(store, logger),
      appointment: countKeyedEvents(store, logger, appointmentKey),
      clinical: countKeyedEvents(store, logger, encounterKey),
    }),
});
