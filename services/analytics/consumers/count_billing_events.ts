import type { BillingEvent, ReceivedEvent } from "@pms/events";
import type { Logger } from "@pms/log";
import { parseTraceparent } from "@pms/trace";
import type { AnalyticsStore } from "../store/analytics_store.ts";

/**
 * The handler of topic `billing`: counts each batch's events per type and adds the payments to
 * the revenue of their currency, each event id once, in one statement.
 */
export function countBillingEvents(store: AnalyticsStore, logger: Logger) {
  return async function countBillingEvents(
    received: ReceivedEvent<BillingEvent>[],
  ): Promise<void> {
    const applied = await store.recordBillingMany(received.map((r) => r.event));
    logger.debug("billing events counted", {
      received: received.length,
      applied,
      traceIds: received.map((r) => parseTraceparent(r.traceparent)?.traceId).filter(Boolean),
    });
  };
}
