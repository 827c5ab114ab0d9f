import { env, loadConfig, shapes } from "@pms/config";
import { loopbackJwksUrl, topology } from "../catalog.ts";

const self = topology("audit");

/**
 * Loads the audit service's settings (defaults from `services/catalog.json`):
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT`, `HOST` | the catalog's (4006), 127.0.0.1 | HTTP read API |
 * | `DATABASE_URL`, `DATABASE_POOL_MAX` | —, 10 | its own database, as its own login |
 * | `DATABASE_OWNER_URL` | — | the owner login: migrations, grants and retention pruning |
 * | `KAFKA_BROKERS`, `AUDIT_TOPIC` | none, audit | without brokers no records arrive |
 * | `KAFKA_GROUP_ID` | the catalog's (audit-service) | consumer group |
 * | `AUDIT_RETENTION_DAYS` | 0 | records older than this are pruned daily; 0 keeps them forever |
 * | `PAGE_SIZE_DEFAULT`, `PAGE_SIZE_MAX` | 50, 100 | paging |
 * | `AUTH_JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE` | auth's | bearer token verification |
 * | `TRUST_PROXY` | true | client address from `X-Forwarded-For` (the gateway appends it) |
 * | `LOG_LEVEL` | info | |
 */
export function loadAuditConfig(source?: Record<string, string | undefined>) {
  return loadConfig({
    ...shapes.server(self.port),
    ...shapes.database(),
    ...shapes.tokens(loopbackJwksUrl()),
    ...shapes.kafka(),
    KAFKA_GROUP_ID: env.string(self.consumes?.[0]?.group ?? "audit-service"),
    AUDIT_RETENTION_DAYS: env.nonNegativeInt(0),
    PAGE_SIZE_DEFAULT: env.positiveInt(50),
    PAGE_SIZE_MAX: env.positiveInt(100),
    TRUST_PROXY: env.boolean(true),
  }, source);
}

/** The audit service's validated settings. */
export type AuditConfig = ReturnType<typeof loadAuditConfig>;
