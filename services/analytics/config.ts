import { backServiceShape, everyEventTopicShape, loadConfig } from "@pms/config";
import { groupOf, loopbackJwksUrl, topology } from "../catalog.ts";

const self = topology("analytics");

/**
 * Loads the analytics service's settings (defaults from `services/catalog.json`); each variable's
 * meaning is its description, listed in `docs/configuration.md` (`deno task docs`).
 */
export function loadAnalyticsConfig(source?: Record<string, string | undefined>) {
  return loadConfig({
    ...backServiceShape(self.port, loopbackJwksUrl()),
    ...everyEventTopicShape((topic) => groupOf(self, topic)),
  }, source);
}

/** The analytics service's validated settings. */
export type AnalyticsConfig = ReturnType<typeof loadAnalyticsConfig>;
