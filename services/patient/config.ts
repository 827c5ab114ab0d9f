import { env, loadConfig, shapes } from "@pms/config";

/**
 * Loads the patient service's settings:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT`, `HOST` | 4000, 127.0.0.1 | HTTP |
 * | `DATABASE_URL`, `DATABASE_POOL_MAX` | —, 10 | its own database |
 * | `AUTH_JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE` | auth's | bearer token verification |
 * | `MAX_BODY_BYTES` | 16384 | then 413 |
 * | `PAGE_SIZE_DEFAULT`, `PAGE_SIZE_MAX` | 50, 100 | list paging |
 * | `SEED_DEMO_DATA` | true (false in production) | the reference's 15 demo patients |
 * | `LOG_LEVEL`, `APP_ENV` | info, development | |
 */
export function loadPatientConfig(
  source: Record<string, string | undefined> = Deno.env.toObject(),
) {
  return loadConfig({
    ...shapes.server(4000),
    ...shapes.database(),
    ...shapes.tokens(),
    MAX_BODY_BYTES: env.positiveInt(16 * 1024),
    PAGE_SIZE_DEFAULT: env.positiveInt(50),
    PAGE_SIZE_MAX: env.positiveInt(100),
    SEED_DEMO_DATA: env.boolean(source.APP_ENV !== "production"),
  }, source);
}

/** The patient service's validated settings. */
export type PatientConfig = ReturnType<typeof loadPatientConfig>;
