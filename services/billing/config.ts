import { env, loadConfig, shapes } from "@pms/config";

/**
 * Loads the billing service's settings:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT`, `HOST` | 4001, 127.0.0.1 | HTTP: health, read API |
 * | `GRPC_PORT`, `GRPC_HOST` | 9001, 127.0.0.1 | gRPC: `BillingService`, `grpc.health.v1.Health` |
 * | `DATABASE_URL`, `DATABASE_POOL_MAX` | —, 10 | its own database |
 * | `AUTH_JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE` | auth's | bearer token verification |
 * | `LOG_LEVEL`, `APP_ENV` | info, development | |
 */
export function loadBillingConfig(
  source: Record<string, string | undefined> = Deno.env.toObject(),
) {
  return loadConfig({
    ...shapes.server(4001),
    ...shapes.database(),
    ...shapes.tokens(),
    GRPC_PORT: env.port(9001),
    GRPC_HOST: env.string("127.0.0.1"),
  }, source);
}

/** The billing service's validated settings. */
export type BillingConfig = ReturnType<typeof loadBillingConfig>;
