import { backServiceShape, env, loadConfig, shapes } from "@pms/config";
import { gatewayFhirBase, groupOf, loopbackJwksUrl, loopbackUrl, topology } from "../catalog.ts";

const self = topology("scheduling");

/**
 * Loads the scheduling service's settings (defaults from `services/catalog.json`); each variable's
 * meaning is its description, listed in `docs/configuration.md` (`deno task docs`).
 */
export function loadSchedulingConfig(source?: Record<string, string | undefined>) {
  return loadConfig({
    ...backServiceShape(self.port, loopbackJwksUrl()),
    ...shapes.auditTrail(),
    ...shapes.kafka(),
    ...shapes.consumerGroup("patient", groupOf(self, "patient")),
    ...shapes.appointmentTopic(),
    ...shapes.clinicalTopic(),
    ...shapes.consumerGroup("clinical", groupOf(self, "clinical")),
    PATIENT_URL: env.url().default(loopbackUrl("patient")).describe(
      "The patient service, asked whether a booking's patient exists and is not deleted.",
    ),
    AUTH_URL: env.url().default(loopbackUrl("auth")).describe(
      "The auth service, asked whether a schedule's practitioner is an enabled CLINICIAN.",
    ),
    ...shapes.idempotency(),
    ...shapes.paging(),
    ...shapes.bodyLimit(16 * 1024),
    ...shapes.fhirBase(gatewayFhirBase()),
  }, source);
}

/** The scheduling service's validated settings. */
export type SchedulingConfig = ReturnType<typeof loadSchedulingConfig>;
