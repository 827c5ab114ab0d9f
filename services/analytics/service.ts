import {
  type AppointmentEvent,
  type BillingEvent,
  decodeAppointmentEvent,
  decodeBillingEvent,
  decodeEncounterEvent,
  decodePatientEvent,
  type EncounterEvent,
} from "@pms/events";
import { defineService } from "@pms/service";
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
  consumers: ({ config, store, logger }) => [{
    topic: config.PATIENT_TOPIC,
    group: config.PATIENT_GROUP_ID,
    decode: decodePatientEvent,
    handleBatch: countPatientEvents(store, logger),
  }, {
    topic: config.BILLING_TOPIC,
    group: config.BILLING_GROUP_ID,
    decode: decodeBillingEvent,
    idOf: (event: BillingEvent) => event.eventId,
    handleBatch: countBillingEvents(store, logger),
  }, {
    topic: config.APPOINTMENT_TOPIC,
    group: config.APPOINTMENT_GROUP_ID,
    decode: decodeAppointmentEvent,
    idOf: (event: AppointmentEvent) => event.eventId,
    handleBatch: countKeyedEvents(store, logger, appointmentKey),
  }, {
    topic: config.CLINICAL_TOPIC,
    group: config.CLINICAL_GROUP_ID,
    decode: decodeEncounterEvent,
    idOf: (event: EncounterEvent) => event.eventId,
    handleBatch: countKeyedEvents(store, logger, encounterKey),
  }],
});
