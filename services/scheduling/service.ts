import { decodeEncounterEvent, type EncounterEvent, followPatientMerges } from "@pms/events";
import {
  defineService,
  idempotencyKeyCleanup,
  outboxRelayWork,
  patientDataParts,
  patientMergeConsumer,
} from "@pms/service";
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
  setup(context) {
    const { config, db } = context;
    const parts = patientDataParts(context, config.APPOINTMENT_TOPIC);
    const practitioners = createPractitionerDirectory({ url: config.AUTH_URL });
    return {
      ...parts,
      service: createSchedulingService(db.sql, { patients: parts.patients, practitioners }),
    };
  },
  routes: mountSchedulingRoutes,
  // Each route declares its action (`defineRoute`).
  audit: {},
  workers({ db, logger, publisher, keys }) {
    return [idempotencyKeyCleanup(keys, logger), ...outboxRelayWork(db.sql, publisher, logger)];
  },
  consumers: ({ config, service, db }) => [
    // A merge re-points the source's appointments to the target; an unmerge moves them back.
    patientMergeConsumer(config, followPatientMerges(db.sql, ["appointments"])),
    {
      topic: config.CLINICAL_TOPIC,
      group: config.CLINICAL_GROUP_ID,
      decode: decodeEncounterEvent,
      idOf: (event: EncounterEvent) => event.eventId,
      handleBatch: followEncounters(service),
    },
  ],
  async close({ publisher }) {
    await publisher?.close();
  },
});
