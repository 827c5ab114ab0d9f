import { backServiceShape, env, loadConfig, shapes } from "@pms/config";
import { groupOf, loopbackJwksUrl, loopbackUrl, topology } from "../catalog.ts";

const self = topology("billing");

/**
 * Loads the billing service's settings (defaults from `services/catalog.json`); each variable's
 * meaning is its description, listed in `docs/configuration.md` (`deno task docs`).
 */
export function loadBillingConfig(source?: Record<string, string | undefined>) {
  return loadConfig({
    ...backServiceShape(self.port, loopbackJwksUrl()),
    ...shapes.auditTrail(),
    ...shapes.billingTopic(),
    ...shapes.kafka(),
    ...shapes.consumerGroup("patient", groupOf(self, "patient")),
    ...shapes.billingCurrency(),
    ...shapes.idempotency(),
    ...shapes.paging(),
    ...shapes.bodyLimit(16 * 1024),
    GRPC_PORT: env.port(self.grpcPort ?? 0).describe(
      "gRPC port of `BillingService` and `grpc.health.v1.Health`.",
    ),
    GRPC_HOST: env.string("127.0.0.1").describe("Interface the gRPC server binds to."),
    PATIENT_URL: env.url().default(loopbackUrl("patient")).describe(
      "The patient service, asked whether the patient of an answer is restricted to others, " +
        "and whether a patient exists when a call on its account arrives before the account was opened.",
    ),
  }, source);
}

/** The billing service's validated settings. */
export type BillingConfig = ReturnType<typeof loadBillingConfig>;
