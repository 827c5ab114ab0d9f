import { env, loadConfig, shapes } from "@pms/config";
import { groupOf, loopbackJwksUrl, loopbackUrl, topology } from "../catalog.ts";

const self = topology("scheduling");

/**
 * Loads the scheduling service's settings (defaults from `services/catalog.json`); each variable's
 * meaning is its description, listed in `docs/configuration.md` (`deno task docs`).
 */
export function loadSchedulingConfig(
  source: Record<string, string | undefined> = Deno.env.toObject(),
) {
  return loadConfig({
    ...shapes.server(self.port),
    ...shapes.database(),
    ...shapes.tokens(loopbackJwksUrl()),
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
    IDEMPOTENCY_TTL_SECONDS: env.positiveInt(24 * 3600).describe(
      "How long an `Idempotency-Key` and the first answer to it are kept.",
    ),
    PAGE_SIZE_DEFAULT: env.positiveInt(50).describe("Page size of a list without `size`."),
    PAGE_SIZE_MAX: env.positiveInt(100).describe("Largest `size` a list accepts."),
    MAX_BODY_BYTES: env.positiveInt(16 * 1024).describe(
      "Largest request body accepted, then `413`.",
    ),
    ...shapes.fhirBase(`http://localhost:${topology("gateway").port}/fhir/R4`),
  }, source);
}

/** The scheduling service's validated settings. */
export type SchedulingConfig = ReturnType<typeof loadSchedulingConfig>;
