import { backServiceShape, ConfigError, env, loadConfig, shapes } from "@pms/config";
import { groupOf, loopbackJwksUrl, topology } from "../catalog.ts";

const self = topology("audit");

/**
 * Loads the audit service's settings (defaults from `services/catalog.json`); each variable's
 * meaning is its description, listed in `docs/configuration.md` (`deno task docs`).
 *
 * @throws {ConfigError} naming each bad variable; `AUDIT_CHECKPOINT_KEY` when it is missing with
 * `APP_ENV=production`.
 */
export function loadAuditConfig(source?: Record<string, string | undefined>) {
  const config = loadConfig({
    ...backServiceShape(self.port, loopbackJwksUrl()),
    ...shapes.auditTrail(),
    ...shapes.consumerGroup("audit", groupOf(self, "audit")),
    AUDIT_RETENTION_DAYS: env.nonNegativeInt(0).describe(
      "Records older than this many days are pruned daily, oldest first; 0 keeps them forever.",
    ),
    ...shapes.paging(),
    TRUST_PROXY: env.boolean(true).describe(
      "Take the client address from `X-Forwarded-For` (set by the gateway) rather than the peer.",
    ),
    AUDIT_CHECKPOINT_EVERY: env.positiveInt(1_000).describe(
      "A signed checkpoint of the chain after this many records.",
    ),
    AUDIT_CHECKPOINT_SECONDS: env.positiveInt(60).describe(
      "And at the latest this many seconds after a record arrived that no checkpoint covers.",
    ),
    AUDIT_CHECKPOINT_KEY: env.string("").optional().describe(
      "Ed25519 private key (PKCS8 PEM, `\\n` escapes accepted, or JWK) checkpoints are signed " +
        "with; the database never sees it. Generated outside production; required in production.",
    ),
    AUDIT_CHECKPOINT_PUBLIC_KEYS: env.string("").optional().describe(
      'Earlier keys\' public JWKs (a JWK, an array or `{"keys":[…]}`) that still verify older ' +
        "checkpoints after a key rotation.",
    ),
    AUDIT_CHECKPOINTS_TOPIC: env.string("").optional().describe(
      "Topic checkpoints are published to and replayed from at start; unset: `<AUDIT_TOPIC>." +
        "checkpoints`.",
    ),
    AUDIT_CHECKPOINT_FILE: env.string("").optional().describe(
      "Also append checkpoints to this JSON-lines file (read back at start); put it where the " +
        "database owner cannot write.",
    ),
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
    AUDIT_CHECKPOINTS_TOPIC: config.AUDIT_CHECKPOINTS_TOPIC || `${config.AUDIT_TOPIC}.checkpoints`,
  };
}

/** The audit service's validated settings. */
export type AuditConfig = ReturnType<typeof loadAuditConfig>;
