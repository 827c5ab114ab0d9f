import type { EncounterEvent, ReceivedEvent } from "@pms/events";
import type { SchedulingService } from "../domain/scheduling_service.ts";

/**
 * The handler of topic `clinical`: an encounter opened for an appointment makes it `ARRIVED`, a
 * finished one `FULFILLED`, each event once (its id is recorded with the change).
 */
export function followEncounters(service: SchedulingService) {
  return async function followEncounters(received: ReceivedEvent<EncounterEvent>[]): Promise<void> {
    for (const { event, traceparent } of received) {
      await service.followEncounter(event, traceparent);
    }
  };
}
