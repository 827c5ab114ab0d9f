import { env, loadConfig, shapes } from "@pms/config";
import { topology } from "../catalog.ts";

/**
 * Loads the auth service's settings:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT`, `HOST` | the catalog's, 127.0.0.1 | HTTP |
 * | `DATABASE_URL`, `DATABASE_POOL_MAX` | —, 10 | its own database |
 * | `JWT_PRIVATE_KEY` / `JWT_PRIVATE_KEY_FILE` | generated outside production | Ed25519 key, PKCS8 PEM |
 * | `JWT_KEY_ID` | JWK thumbprint | `kid` |
 * | `JWT_ISSUER`, `JWT_AUDIENCE` | patient-management-auth, patient-management | |
 * | `JWT_TTL_SECONDS` | 900 | token lifetime |
 * | `BCRYPT_COST` | 10 | ≥ 10 |
 * | `LOGIN_MAX_FAILURES` | 5 | failures for one email from one client within the window before 429 |
 * | `LOGIN_MAX_FAILURES_PER_CLIENT` | 20 | failures per client address within the window |
 * | `LOGIN_WINDOW_SECONDS` | 300 | |
 * | `LOGIN_MAX_FAILURES_PER_EMAIL` | 100 | failures for one email from all clients (the ceiling) |
 * | `LOGIN_EMAIL_WINDOW_SECONDS` | 900 | the ceiling's window |
 * | `TRUST_PROXY` | true | client address from the first `X-Forwarded-For` hop |
 * | `MAX_BODY_BYTES` | 16384 | then 413 |
 * | `SEED_DEMO_DATA` | true (false in production) | the reference's test user and one per role |
 * | `REFRESH_IDLE_SECONDS` | 1800 | a refresh token unused this long is dead |
 * | `IDEMPOTENCY_TTL_SECONDS` | 86400 | how long an Idempotency-Key and its answer are kept |
 * | `REFRESH_ABSOLUTE_SECONDS` | 43200 | a session ends this long after its login |
 * | `BOOTSTRAP_ADMIN_EMAIL`, `BOOTSTRAP_ADMIN_PASSWORD` | none | the first ADMIN, made at start when there is none |
 * | `KAFKA_BROKERS`, `AUDIT_TOPIC` | none, audit | audit records are published from the outbox (they wait without brokers) |
 * | `LOG_LEVEL`, `APP_ENV` | info, development | |
 */
export function loadAuthConfig(source: Record<string, string | undefined> = Deno.env.toObject()) {
  const config = loadConfig({
    ...shapes.server(topology("auth").port),
    ...shapes.database(),
    ...shapes.auditTrail(),
    JWT_PRIVATE_KEY: env.string("").optional(),
    JWT_PRIVATE_KEY_FILE: env.string("").optional(),
    JWT_KEY_ID: env.string("").optional(),
    JWT_ISSUER: env.string("patient-management-auth"),
    JWT_AUDIENCE: env.string("patient-management"),
    JWT_TTL_SECONDS: env.positiveInt(900),
    BCRYPT_COST: env.positiveInt(10).refine((n) => n >= 10 && n <= 15, "must be between 10 and 15"),
    LOGIN_MAX_FAILURES: env.positiveInt(5),
    LOGIN_MAX_FAILURES_PER_CLIENT: env.positiveInt(20),
    LOGIN_WINDOW_SECONDS: env.positiveInt(300),
    LOGIN_MAX_FAILURES_PER_EMAIL: env.positiveInt(100),
    LOGIN_EMAIL_WINDOW_SECONDS: env.positiveInt(900),
    TRUST_PROXY: env.boolean(true),
    MAX_BODY_BYTES: env.positiveInt(16 * 1024),
    SEED_DEMO_DATA: env.boolean(source.APP_ENV !== "production"),
    REFRESH_IDLE_SECONDS: env.positiveInt(1800),
    IDEMPOTENCY_TTL_SECONDS: env.positiveInt(24 * 3600),
    REFRESH_ABSOLUTE_SECONDS: env.positiveInt(43_200),
    BOOTSTRAP_ADMIN_EMAIL: env.string("").optional(),
    BOOTSTRAP_ADMIN_PASSWORD: env.string("").optional(),
  }, source);
  return config;
}

/** The auth service's validated settings. */
export type AuthConfig = ReturnType<typeof loadAuthConfig>;
