import { decodeEncounterEvent, type EncounterEvent } from "@pms/events";
import { definePatientDataService } from "@pms/service";
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
export const scheduling = definePatientDataService({
  topology: topology("scheduling"),
  title: "Scheduling Service API",
  migrations: new URL("./migrations", import.meta.url),
  config: loadSchedulingConfig,
  topic: (config) => config.APPOINTMENT_TOPIC,
  setup({ config, db }, { patients }) {
    const practitioners = createPractitionerDirectory({ url: config.AUTH_URL });
    return { service: createSchedulingService(db.sql, { patients, practitioners }) };
  },
  routes: mountSchedulingRoutes,
  // A merge re-points the source's appointments to the target; an unmerge moves them back.
  merges: ["appointments"],
  consumers: ({ config, service }) => [
    {
      topic: config.CLINICAL_TOPIC,
      group: config.CLINICAL_GROUP_ID,
      decode: decodeEncounterEvent,
      idOf: (event: EncounterEvent) => event.eventId,
      handleBatch: followEncounters(service),
    },
  ],
});
