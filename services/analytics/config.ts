import { env, loadConfig, shapes } from "@pms/config";

/**
 * Loads the analytics service's settings:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT`, `HOST` | 4002, 127.0.0.1 | HTTP read API |
 * | `DATABASE_URL`, `DATABASE_POOL_MAX` | —, 10 | its own database |
 * | `KAFKA_BROKERS` | none | brokers; without them the service only serves what it has |
 * | `KAFKA_GROUP_ID` | analytics-service | consumer group |
 * | `AUTH_JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE` | auth's | bearer token verification |
 * | `LOG_LEVEL`, `APP_ENV` | info, development | |
 */
export function loadAnalyticsConfig(source?: Record<string, string | undefined>) {
  return loadConfig({
    ...shapes.server(4002),
    ...shapes.database(),
    ...shapes.tokens(),
    ...shapes.kafka(),
    KAFKA_GROUP_ID: env.string("analytics-service"),
  }, source);
}

/** The analytics service's validated settings. */
export type AnalyticsConfig = ReturnType<typeof loadAnalyticsConfig>;
