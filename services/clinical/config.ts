import { env, loadConfig, shapes } from "@pms/config";
import { groupOf, loopbackJwksUrl, loopbackUrl, topology } from "../catalog.ts";

const self = topology("clinical");
const billing = topology("billing");

/**
 * Loads the clinical service's settings (defaults from `services/catalog.json`); each variable's
 * meaning is its description, listed in `docs/configuration.md` (`deno task docs`).
 */
export function loadClinicalConfig(
  source: Record<string, string | undefined> = Deno.env.toObject(),
) {
  return loadConfig({
    ...shapes.server(self.port),
    ...shapes.database(),
    ...shapes.tokens(loopbackJwksUrl()),
    ...shapes.auditTrail(),
    ...shapes.kafka(),
    ...shapes.consumerGroup("patient", groupOf(self, "patient")),
    CLINICAL_TOPIC: env.string("clinical").describe(
      "The encounter event topic (protobuf `EncounterEvent`, key = patient id): encounters " +
        "started, finished and cancelled.",
    ),
    PATIENT_URL: env.url().default(loopbackUrl("patient")).describe(
      "The patient service, asked whether an encounter's patient exists and is not deleted.",
    ),
    SCHEDULING_URL: env.url().default(loopbackUrl("scheduling")).describe(
      "The scheduling service, asked about an encounter's appointment (its patient and status).",
    ),
    BILLING_GRPC_ADDRESS: env.string(`127.0.0.1:${billing.grpcPort}`).describe(
      "`host:port` of billing's gRPC server, where finished encounters' charges are recorded.",
    ),
    BILLING_DEADLINE_MS: env.positiveInt(3000).describe(
      "Deadline of one AddCharges call to billing.",
    ),
    BILLING_RETRY_BASE_MS: env.positiveInt(500).describe(
      "First retry delay of a charge request while billing does not answer; doubled (with " +
        "jitter) each attempt.",
    ),
    BILLING_RETRY_MAX_MS: env.positiveInt(60_000).describe(
      "Longest retry delay; a charge request is retried until billing records it.",
    ),
    IDEMPOTENCY_TTL_SECONDS: env.positiveInt(24 * 3600).describe(
      "How long an `Idempotency-Key` and the first answer to it are kept.",
    ),
    PAGE_SIZE_DEFAULT: env.positiveInt(50).describe("Page size of a list without `size`."),
    PAGE_SIZE_MAX: env.positiveInt(100).describe("Largest `size` a list accepts."),
    MAX_BODY_BYTES: env.positiveInt(64 * 1024).describe(
      "Largest request body accepted, then `413` (a note holds up to 4 × 10,000 characters).",
    ),
    ...shapes.fhirBase(`http://localhost:${topology("gateway").port}/fhir/R4`),
  }, source);
}

/** The clinical service's validated settings. */
export type ClinicalConfig = ReturnType<typeof loadClinicalConfig>;
