import { env, loadConfig, shapes } from "@pms/config";
import { loopbackJwksUrl, topology } from "../catalog.ts";

const self = topology("billing");

/**
 * Loads the billing service's settings (defaults from `services/catalog.json`):
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT`, `HOST` | the catalog's, 127.0.0.1 | HTTP: health, read API |
 * | `GRPC_PORT`, `GRPC_HOST` | the catalog's, 127.0.0.1 | gRPC: `BillingService`, `grpc.health.v1.Health` |
 * | `DATABASE_URL`, `DATABASE_POOL_MAX` | —, 10 | its own database |
 * | `AUTH_JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE` | auth's | bearer token verification |
 * | `AUTH_REVOCATIONS_URL`, `REVOCATION_POLL_MS` | beside `AUTH_JWKS_URL`, 1000 | auth's revocation list, polled |
 * | `REVOCATION_STALE_SECONDS`, `REVOCATION_STALE_MAX_TOKEN_AGE_SECONDS` | 30, 60 | unheard that long, tokens older than that are refused |
 * | `KAFKA_BROKERS`, `AUDIT_TOPIC` | none, audit | audit records are published from the outbox (they wait without brokers) |
 * | `BILLING_TOPIC` | billing | where billing events are published from the outbox |
 * | `BILLING_CURRENCY` | USD | ISO 4217 currency of new accounts (every amount of an account is in its currency) |
 * | `IDEMPOTENCY_TTL_SECONDS` | 86400 | how long an Idempotency-Key and its answer are kept |
 * | `PAGE_SIZE_DEFAULT`, `PAGE_SIZE_MAX` | 50, 100 | list paging |
 * | `MAX_BODY_BYTES` | 16384 | then 413 |
 * | `LOG_LEVEL`, `APP_ENV` | info, development | |
 */
export function loadBillingConfig(
  source: Record<string, string | undefined> = Deno.env.toObject(),
) {
  return loadConfig({
    ...shapes.server(self.port),
    ...shapes.database(),
    ...shapes.tokens(loopbackJwksUrl()),
    ...shapes.auditTrail(),
    ...shapes.billingTopic(),
    BILLING_CURRENCY: env.string("USD").refine(
      (code) => Intl.supportedValuesOf("currency").includes(code),
      "must be an ISO 4217 currency code (USD, EUR, …)",
    ),
    IDEMPOTENCY_TTL_SECONDS: env.positiveInt(24 * 3600),
    PAGE_SIZE_DEFAULT: env.positiveInt(50),
    PAGE_SIZE_MAX: env.positiveInt(100),
    MAX_BODY_BYTES: env.positiveInt(16 * 1024),
    GRPC_PORT: env.port(self.grpcPort ?? 0),
    GRPC_HOST: env.string("127.0.0.1"),
  }, source);
}

/** The billing service's validated settings. */
export type BillingConfig = ReturnType<typeof loadBillingConfig>;
