import { env, loadConfig, shapes } from "@pms/config";
import { loopbackJwksUrl, topology } from "../catalog.ts";

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
    PATIENT_GROUP_ID: env.string(
      self.consumes?.find((c) => c.topic === "patient")?.group ?? "analytics-service",
    ).describe(
      "Consumer group on the patient event topic.",
    ),
    ...shapes.billingTopic(),
    BILLING_GROUP_ID: env.string(
      self.consumes?.find((c) => c.topic === "billing")?.group ?? "analytics-billing",
    ).describe("Consumer group on the billing event topic."),
  }, source);
}

/** The analytics service's validated settings. */
export type AnalyticsConfig = ReturnType<typeof loadAnalyticsConfig>;
