import { env, loadConfig, shapes } from "@pms/config";
import { loopbackJwksUrl, topology } from "../catalog.ts";

const self = topology("audit");

/**
 * Loads the audit service's settings (defaults from `services/catalog.json`); each variable's
 * meaning is its description, listed in `docs/configuration.md` (`deno task docs`).
 */
export function loadAuditConfig(source?: Record<string, string | undefined>) {
  return loadConfig({
    ...shapes.server(self.port),
    ...shapes.database(),
    ...shapes.tokens(loopbackJwksUrl()),
    ...shapes.kafka(),
    KAFKA_GROUP_ID: env.string(self.consumes?.[0]?.group ?? "audit-service").describe(
      "Consumer group on the audit topic.",
    ),
    AUDIT_RETENTION_DAYS: env.nonNegativeInt(0).describe(
      "Records older than this many days are pruned daily, oldest first; 0 keeps them forever.",
    ),
    PAGE_SIZE_DEFAULT: env.positiveInt(50).describe("Page size of a list without `size`."),
    PAGE_SIZE_MAX: env.positiveInt(100).describe("Largest `size` a list accepts."),
    TRUST_PROXY: env.boolean(true).describe(
      "Take the client address from `X-Forwarded-For` (set by the gateway) rather than the peer.",
    ),
  }, source);
}

/** The audit service's validated settings. */
export type AuditConfig = ReturnType<typeof loadAuditConfig>;
