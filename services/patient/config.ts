import { env, loadConfig, shapes } from "@pms/config";
import { z } from "zod";
import { loopbackJwksUrl, topology } from "../catalog.ts";

const self = topology("patient");
const billing = topology("billing");

/** An absolute http(s) URL without query or fragment; a trailing `/` is dropped. */
const baseUrl = (defaultValue: string) =>
  z.string().refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && !url.search && !url.hash && !url.username;
  }, "must be an absolute http(s) URL without query, fragment or credentials")
    .transform((value) => value.replace(/\/+$/, "")).default(defaultValue);

/**
 * Loads the patient service's settings (defaults from `services/catalog.json`):
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT`, `HOST` | the catalog's, 127.0.0.1 | HTTP |
 * | `DATABASE_URL`, `DATABASE_POOL_MAX` | —, 10 | its own database |
 * | `AUTH_JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE` | auth's | bearer token verification |
 * | `AUTH_REVOCATIONS_URL`, `REVOCATION_POLL_MS` | beside `AUTH_JWKS_URL`, 1000 | auth's revocation list, polled |
 * | `REVOCATION_STALE_SECONDS`, `REVOCATION_STALE_MAX_TOKEN_AGE_SECONDS` | 30, 60 | unheard that long, tokens older than that are refused |
 * | `MAX_BODY_BYTES` | 16384 | then 413 |
 * | `PAGE_SIZE_DEFAULT`, `PAGE_SIZE_MAX` | 50, 100 | list paging |
 * | `LIST_CACHE_PAGES` | 256 | list pages kept, each served again only while the database says no patient changed since (0: none) |
 * | `SEED_DEMO_DATA` | true (false in production) | the reference's 15 demo patients |
 * | `KAFKA_BROKERS`, `KAFKA_TOPIC` | none, patient | where the outbox relay publishes events |
 * | `OUTBOX_BATCH_SIZE`, `OUTBOX_POLL_MS` | 500, 1000 | relay batch and idle poll |
 * | `BILLING_GRPC_ADDRESS` | 127.0.0.1:<billing's catalog gRPC port> | billing's gRPC server |
 * | `BILLING_DEADLINE_MS` | 3000 | deadline of one CreateBillingAccount call |
 * | `BILLING_RETRY_BASE_MS`, `BILLING_RETRY_MAX_MS` | 500, 60000 | retry backoff while billing is down |
 * | `IDEMPOTENCY_TTL_SECONDS` | 86400 | how long an Idempotency-Key and its answer are kept |
 * | `FHIR_BASE_URL` | http://localhost:4004/fhir/R4 | FHIR base in `fullUrl`, `link`, `Location` |
 * | `LOG_LEVEL`, `APP_ENV` | info, development | |
 */
export function loadPatientConfig(
  source: Record<string, string | undefined> = Deno.env.toObject(),
) {
  return loadConfig({
    ...shapes.server(self.port),
    ...shapes.database(),
    ...shapes.tokens(loopbackJwksUrl()),
    MAX_BODY_BYTES: env.positiveInt(16 * 1024),
    PAGE_SIZE_DEFAULT: env.positiveInt(50),
    PAGE_SIZE_MAX: env.positiveInt(100),
    LIST_CACHE_PAGES: env.nonNegativeInt(256),
    SEED_DEMO_DATA: env.boolean(source.APP_ENV !== "production"),
    ...shapes.kafka(),
    OUTBOX_BATCH_SIZE: env.positiveInt(500),
    OUTBOX_POLL_MS: env.positiveInt(1000),
    BILLING_GRPC_ADDRESS: env.string(`127.0.0.1:${billing.grpcPort}`),
    BILLING_DEADLINE_MS: env.positiveInt(3000),
    BILLING_RETRY_BASE_MS: env.positiveInt(500),
    BILLING_RETRY_MAX_MS: env.positiveInt(60_000),
    IDEMPOTENCY_TTL_SECONDS: env.positiveInt(24 * 3600),
    FHIR_BASE_URL: baseUrl(`http://localhost:${topology("gateway").port}/fhir/R4`),
  }, source);
}

/** The patient service's validated settings. */
export type PatientConfig = ReturnType<typeof loadPatientConfig>;
