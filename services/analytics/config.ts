import { loadConfig, shapes } from "@pms/config";
import { groupOf, loopbackJwksUrl, topology } from "../catalog.ts";

const self = topology("analytics");

/**
 * Loads the analytics service's settings (defaults from `services/catalog.json`); each variable's
 * meaning is its description, listed in `docs/configuration.md` (`deno task docs`).
 */
export function loadAnalyticsConfig(source?: Record<string, string | undefined>) {
  return loadConfig({
    ...shapes.server(self.port),
    ...shapes.database(),
    ...shapes.tokens(loopbackJwksUrl()),
    ...shapes.kafka(),
    ...shapes.consumerGroup("patient", groupOf(self, "patient")),
    ...shapes.billingTopic(),
    ...shapes.consumerGroup("billing", groupOf(self, "billing")),
    ...shapes.appointmentTopic(),
    ...shapes.consumerGroup("appointment", groupOf(self, "appointment")),
    ...shapes.clinicalTopic(),
    ...shapes.consumerGroup("clinical", groupOf(self, "clinical")),
  }, source);
}

/** The analytics service's validated settings. */
export type AnalyticsConfig = ReturnType<typeof loadAnalyticsConfig>;
