import type { ReceivedEvent } from "@pms/events";
import type { Logger } from "@pms/log";
import { parseTraceparent } from "@pms/trace";
import type { AnalyticsStore } from "../store/analytics_store.ts";

/**
 * The handler of topic `patient` (every event type counts the same way): adds each batch's
 * events to the totals, each event id once, in one statement.
 */
export function countPatientEvents(store: AnalyticsStore, logger: Logger) {
  return async function countPatientEvents(received: ReceivedEvent[]): Promise<void> {
    const applied = await store.recordMany(received.map((r) => r.event));
    logger.debug("events counted", {
      received: received.length,
      applied,
      traceIds: received.map((r) => parseTraceparent(r.traceparent)?.traceId).filter(Boolean),
    });
  };
}
