import {
  createEventPublisher,
  createEventRelay,
  decodeEncounterEvent,
  decodePatientEvent,
  type EncounterEvent,
  EVENT_OUTBOX_CHANNEL,
  followPatientMerges,
} from "@pms/events";
import { createIdempotencyStore } from "@pms/http";
import { createPatientDirectory } from "@pms/patient_directory";
import { remotePatientAccess } from "@pms/patient_access";
import { defineService, idempotencyKeyCleanup } from "@pms/service";
import { wakeOnCommit } from "@pms/worker";
import { topology } from "../catalog.ts";
import { mountSchedulingRoutes } from "./app.ts";
import { loadSchedulingConfig } from "./config.ts";
import { followEncounters } from "./consumers/follow_encounters.ts";
import { createPractitionerDirectory } from "./domain/practitioner_directory.ts";
import { createSchedulingService } from "./domain/scheduling_service.ts";

/**
 * The scheduling service: schedules of practitioners and rooms with weekly availability in their
 * own time zone, slots computed from it, and appointments the database never lets clash. Its
 * events leave through an outbox to topic `appointment`; it follows encounters on `clinical`.
 */
export const scheduling = defineService({
  topology: topology("scheduling"),
  title: "Scheduling Service API",
  migrations: new URL("./migrations", import.meta.url),
  config: loadSchedulingConfig,
  setup({ config, db, kafka, logger }) {
    return {
      service: createSchedulingService(db.sql, {
        patients: createPatientDirectory({ url: config.PATIENT_URL }),
        practitioners: createPractitionerDirectory({ url: config.AUTH_URL }),
      }),
      access: remotePatientAccess({ url: config.PATIENT_URL }),
      keys: createIdempotencyStore(db.sql, { ttlSeconds: config.IDEMPOTENCY_TTL_SECONDS }),
      publisher: kafka
        ? createEventPublisher({ kafka, topic: config.APPOINTMENT_TOPIC, logger })
        : undefined,
      paging: { defaultSize: config.PAGE_SIZE_DEFAULT, maxSize: config.PAGE_SIZE_MAX },
      maxBodyBytes: config.MAX_BODY_BYTES,
      fhirBaseUrl: config.FHIR_BASE_URL,
    };
  },
  routes: mountSchedulingRoutes,
  // Each route declares its action (`defineRoute`).
  audit: {},
  workers({ db, logger, publisher, keys }) {
    const relay = publisher && createEventRelay({ sql: db.sql, publisher, logger, pollMs: 250 });
    return [
      idempotencyKeyCleanup(keys, logger),
      ...(relay ? [relay, wakeOnCommit({ [EVENT_OUTBOX_CHANNEL]: relay })] : []),
    ];
  },
  consumers: ({ config, service, db }) => [{
    // A merge re-points the source's appointments to the target; an unmerge moves them back.
    topic: config.PATIENT_TOPIC,
    group: config.PATIENT_GROUP_ID,
    decode: decodePatientEvent,
    handleBatch: followPatientMerges(db.sql, ["appointments"]),
  }, {
    topic: config.CLINICAL_TOPIC,
    group: config.CLINICAL_GROUP_ID,
    decode: decodeEncounterEvent,
    idOf: (event: EncounterEvent) => event.eventId,
    handleBatch: followEncounters(service),
  }],
  async close({ publisher }) {
    await publisher?.close();
  },
});
