import { env, loadConfig, shapes } from "@pms/config";
import { loopbackJwksUrl, topology } from "../catalog.ts";

const self = topology("analytics");

/**
 * Loads the analytics service's settings (defaults from `services/catalog.json`):
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT`, `HOST` | the catalog's, 127.0.0.1 | HTTP read API |
 * | `DATABASE_URL`, `DATABASE_POOL_MAX` | —, 10 | its own database |
 * | `KAFKA_BROKERS`, `KAFKA_TOPIC` | none, patient | without brokers it only serves what it has |
 * | `KAFKA_GROUP_ID` | the catalog's (analytics-service) | consumer group |
 * | `BILLING_TOPIC` | billing | the billing event topic |
 * | `BILLING_GROUP_ID` | the catalog's (analytics-billing) | its consumer group |
 * | `AUTH_JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE` | auth's | bearer token verification |
 * | `AUTH_REVOCATIONS_URL`, `REVOCATION_POLL_MS` | beside `AUTH_JWKS_URL`, 1000 | auth's revocation list, polled |
 * | `REVOCATION_STALE_SECONDS`, `REVOCATION_STALE_MAX_TOKEN_AGE_SECONDS` | 30, 60 | unheard that long, tokens older than that are refused |
 * | `LOG_LEVEL`, `APP_ENV` | info, development | |
 */
export function loadAnalyticsConfig(source?: Record<string, string | undefined>) {
  return loadConfig({
    ...shapes.server(self.port),
    ...shapes.database(),
    ...shapes.tokens(loopbackJwksUrl()),
    ...shapes.kafka(),
    KAFKA_GROUP_ID: env.string(self.consumes?.[0]?.group ?? "analytics-service"),
    ...shapes.billingTopic(),
    BILLING_GROUP_ID: env.string(
      self.consumes?.find((c) => c.topic === "billing")?.group ?? "analytics-billing",
    ),
  }, source);
}

/** The analytics service's validated settings. */
export type AnalyticsConfig = ReturnType<typeof loadAnalyticsConfig>;
