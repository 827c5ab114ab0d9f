import { env, loadConfig, shapes } from "@pms/config";
import { loopbackJwksUrl, topology } from "../catalog.ts";

const self = topology("notification");

/**
 * Loads the notification service's settings (defaults from `services/catalog.json`):
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT`, `HOST` | the catalog's, 127.0.0.1 | HTTP read API |
 * | `DATABASE_URL`, `DATABASE_POOL_MAX` | —, 10 | its own database |
 * | `KAFKA_BROKERS`, `KAFKA_TOPIC` | none, patient | without brokers no events are consumed |
 * | `KAFKA_GROUP_ID` | the catalog's (notification-service) | consumer group |
 * | `BILLING_TOPIC` | billing | the billing event topic (an `INVOICE` per issued invoice) |
 * | `BILLING_GROUP_ID` | the catalog's (notification-billing) | its consumer group |
 * | `SMTP_URL` | none | `smtp://user:pass@host:port`; unset: messages are recorded as SKIPPED |
 * | `SMTP_FROM` | Patient Management <no-reply@patient-management.local> | sender |
 * | `NOTIFY_MAX_ATTEMPTS` | 8 | sending attempts before a message stays FAILED |
 * | `NOTIFY_RETRY_BASE_MS` | 1000 | first retry delay, doubled each attempt (capped at 5 min) |
 * | `NOTIFY_POLL_MS` | 500 | how often due messages are looked for |
 * | `AUTH_JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE` | auth's | bearer token verification |
 * | `AUTH_REVOCATIONS_URL`, `REVOCATION_POLL_MS` | beside `AUTH_JWKS_URL`, 1000 | auth's revocation list, polled |
 * | `REVOCATION_STALE_SECONDS`, `REVOCATION_STALE_MAX_TOKEN_AGE_SECONDS` | 30, 60 | unheard that long, tokens older than that are refused |
 * | `LOG_LEVEL`, `APP_ENV` | info, development | |
 */
export function loadNotificationConfig(source?: Record<string, string | undefined>) {
  return loadConfig({
    ...shapes.server(self.port),
    ...shapes.database(),
    ...shapes.tokens(loopbackJwksUrl()),
    ...shapes.kafka(),
    KAFKA_GROUP_ID: env.string(self.consumes?.[0]?.group ?? "notification-service"),
    ...shapes.billingTopic(),
    BILLING_GROUP_ID: env.string(
      self.consumes?.find((c) => c.topic === "billing")?.group ?? "notification-billing",
    ),
    SMTP_URL: env.url().optional(),
    SMTP_FROM: env.string("Patient Management <no-reply@patient-management.local>"),
    NOTIFY_MAX_ATTEMPTS: env.positiveInt(8),
    NOTIFY_RETRY_BASE_MS: env.positiveInt(1_000),
    NOTIFY_POLL_MS: env.positiveInt(500),
  }, source);
}

/** The notification service's validated settings. */
export type NotificationConfig = ReturnType<typeof loadNotificationConfig>;
