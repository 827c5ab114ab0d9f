import { backServiceShape, env, loadConfig, shapes } from "@pms/config";
import { gatewayFhirBase, groupOf, loopbackJwksUrl, loopbackUrl, topology } from "../catalog.ts";

const self = topology("clinical");
const billing = topology("billing");

/**
 * Loads the clinical service's settings (defaults from `services/catalog.json`); each variable's
 * meaning is its description, listed in `docs/configuration.md` (`deno task docs`).
 */
export function loadClinicalConfig(source?: Record<string, string | undefined>) {
  return loadConfig({
    ...backServiceShape(self.port, loopbackJwksUrl()),
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
    ...shapes.billingClient(`127.0.0.1:${billing.grpcPort}`, {
      where: "finished encounters' charges are recorded",
      call: "AddCharges",
      what: "a charge request",
    }),
    ...shapes.billingCurrency(),
    ...shapes.idempotency(),
    ...shapes.paging(),
    ...shapes.bodyLimit(
      128 * 1024,
      "a note holds up to 4 × 10,000 characters, each up to 3 bytes of UTF-8",
    ),
    ...shapes.fhirBase(gatewayFhirBase()),
  }, source);
}

/** The clinical service's validated settings. */
export type ClinicalConfig = ReturnType<typeof loadClinicalConfig>;
