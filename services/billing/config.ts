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
 * | `KAFKA_BROKERS`, `AUDIT_TOPIC` | none, audit | audit records are published from the outbox (they wait without brokers) |
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
    GRPC_PORT: env.port(self.grpcPort ?? 0),
    GRPC_HOST: env.string("127.0.0.1"),
  }, source);
}

/** The billing service's validated settings. */
export type BillingConfig = ReturnType<typeof loadBillingConfig>;
