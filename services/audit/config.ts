import { ConfigError, env, loadConfig, shapes } from "@pms/config";
import { loopbackJwksUrl, topology } from "../catalog.ts";

const self = topology("audit");

/**
 * Loads the audit service's settings (defaults from `services/catalog.json`):
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT`, `HOST` | the catalog's (4006), 127.0.0.1 | HTTP read API |
 * | `DATABASE_URL`, `DATABASE_POOL_MAX` | —, 10 | its own database |
 * | `KAFKA_BROKERS`, `AUDIT_TOPIC` | none, audit | without brokers no records arrive |
 * | `KAFKA_GROUP_ID` | the catalog's (audit-service) | consumer group |
 * | `AUDIT_RETENTION_DAYS` | 0 | records older than this are pruned daily; 0 keeps them forever |
 * | `PAGE_SIZE_DEFAULT`, `PAGE_SIZE_MAX` | 50, 100 | paging |
 * | `AUTH_JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE` | auth's | bearer token verification |
 * | `TRUST_PROXY` | true | client address from `X-Forwarded-For` (the gateway appends it) |
 * | `LOG_LEVEL`, `APP_ENV` | info, development | |
 * | `AUDIT_CHECKPOINT_EVERY` | 1000 | a signed checkpoint after this many records |
 * | `AUDIT_CHECKPOINT_SECONDS` | 60 | and at the latest this long after a record arrived |
 * | `AUDIT_CHECKPOINT_KEY` | generated outside production | Ed25519 private key (PKCS8 PEM or JWK) checkpoints are signed with; required in production |
 * | `AUDIT_CHECKPOINT_PUBLIC_KEYS` | none | earlier keys' public JWKs (JSON: a JWK, an array or `{"keys":[…]}`) that still verify older checkpoints |
 * | `AUDIT_CHECKPOINT_TOPIC` | `<AUDIT_TOPIC>.checkpoints` | the topic checkpoints are published to and replayed from |
 * | `AUDIT_CHECKPOINT_FILE` | none | also append checkpoints to this JSON-lines file (read back at start) |
 *
 * @throws {ConfigError} naming each bad variable; `AUDIT_CHECKPOINT_KEY` when it is missing with
 * `APP_ENV=production`.
 */
export function loadAuditConfig(source?: Record<string, string | undefined>) {
  const config = loadConfig({
    ...shapes.server(self.port),
    ...shapes.database(),
    ...shapes.tokens(loopbackJwksUrl()),
    ...shapes.kafka(),
    KAFKA_GROUP_ID: env.string(self.consumes?.[0]?.group ?? "audit-service"),
    AUDIT_RETENTION_DAYS: env.nonNegativeInt(0),
    PAGE_SIZE_DEFAULT: env.positiveInt(50),
    PAGE_SIZE_MAX: env.positiveInt(100),
    TRUST_PROXY: env.boolean(true),
    AUDIT_CHECKPOINT_EVERY: env.positiveInt(1_000),
    AUDIT_CHECKPOINT_SECONDS: env.positiveInt(60),
    AUDIT_CHECKPOINT_KEY: env.string("").optional(),
    AUDIT_CHECKPOINT_PUBLIC_KEYS: env.string("").optional(),
    AUDIT_CHECKPOINT_TOPIC: env.string("").optional(),
    AUDIT_CHECKPOINT_FILE: env.string("").optional(),
  }, source);
  // The key the database never sees: a generated one would not verify after a restart.
  if (config.APP_ENV === "production" && !config.AUDIT_CHECKPOINT_KEY) {
    throw new ConfigError([{
      variable: "AUDIT_CHECKPOINT_KEY",
      message: "is required in production",
    }]);
  }
  return {
    ...config,
    AUDIT_CHECKPOINT_TOPIC: config.AUDIT_CHECKPOINT_TOPIC || `${config.AUDIT_TOPIC}.checkpoints`,
  };
}

/** The audit service's validated settings. */
export type AuditConfig = ReturnType<typeof loadAuditConfig>;
