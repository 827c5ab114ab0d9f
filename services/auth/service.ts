import { DEVELOPMENT_MFA_ENCRYPTION_KEY, exitOnConfigError } from "@pms/config";
import { createTokenVerifier } from "@pms/jwt";
import { createIdempotencyStore } from "@pms/http";
import { defineService, idempotencyKeyCleanup } from "@pms/service";
import { createPollingWorker } from "@pms/worker";
import { topology } from "../catalog.ts";
import { mountAuthRoutes } from "./app.ts";
import { loadAuthConfig } from "./config.ts";
import { createLoginThrottle } from "./domain/login_throttle.ts";
import { loadSigningKey } from "./domain/signing_key.ts";
import { createTokenIssuer } from "./domain/token_issuer.ts";
import { seedDemoUsers } from "./seed.ts";
import { bootstrapAdmin } from "./domain/bootstrap_admin.ts";
import { createUserStore } from "./store/user_store.ts";
import { createSessionStore } from "./store/session_store.ts";
import { createRevocationStore } from "./store/revocation_store.ts";
import { createMfaStore } from "./store/mfa_store.ts";
import { parseMfaKeyring } from "./domain/mfa_keyring.ts";
import { createSecretCipher } from "./domain/secret_cipher.ts";

/** The auth service: logs users in and signs their tokens; publishes the public keys. */
export const auth = defineService({
  topology: topology("auth"),
  title: "Auth Service API",
  migrations: new URL("./migrations", import.meta.url),
  config: loadAuthConfig,
  async setup({ config, db, logger }) {
    const key = await loadSigningKey({
      pem: config.JWT_PRIVATE_KEY,
      file: config.JWT_PRIVATE_KEY_FILE,
      kid: config.JWT_KEY_ID,
      appEnv: config.APP_ENV,
    }).catch((error) => exitOnConfigError("auth", error));
    if (key.generated) {
      logger.warn(
        "signing key generated at start: tokens will not survive a restart (set JWT_PRIVATE_KEY)",
      );
    }
    const users = createUserStore(db.sql);
    if (config.SEED_DEMO_DATA) await seedDemoUsers(users, config.BCRYPT_COST, logger);
    await bootstrapAdmin({
      users,
      email: config.BOOTSTRAP_ADMIN_EMAIL,
      password: config.BOOTSTRAP_ADMIN_PASSWORD,
      bcryptCost: config.BCRYPT_COST,
      logger,
    }).catch((error) => exitOnConfigError("auth", error));
    const publicKeys = [key.publicJwk];
    // Production refuses to start without a keyring (packages/config); elsewhere this is expected.
    if (!config.MFA_ENCRYPTION_KEY) {
      logger.info("TOTP secrets use the development key (MFA_ENCRYPTION_KEY unset)");
    }
    const cipher = await createSecretCipher(
      parseMfaKeyring(config.MFA_ENCRYPTION_KEY ?? DEVELOPMENT_MFA_ENCRYPTION_KEY),
    );
    return {
      users,
      sessions: createSessionStore(db.sql, {
        idleSeconds: config.REFRESH_IDLE_SECONDS,
        absoluteSeconds: config.REFRESH_ABSOLUTE_SECONDS,
      }),
      ttlSeconds: config.JWT_TTL_SECONDS,
      keys: createIdempotencyStore(db.sql, { ttlSeconds: config.IDEMPOTENCY_TTL_SECONDS }),
      publicKeys,
      // A revoked token may live its lifetime plus the verifiers' clock tolerance (5 s).
      revocations: createRevocationStore(db.sql, { liveSeconds: config.JWT_TTL_SECONDS + 30 }),
      verify: createTokenVerifier({
        jwks: { keys: publicKeys },
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
      }),
      throttle: createLoginThrottle({
        maxPerEmail: config.LOGIN_MAX_FAILURES,
        maxPerClient: config.LOGIN_MAX_FAILURES_PER_CLIENT,
        windowMs: config.LOGIN_WINDOW_SECONDS * 1000,
        maxPerEmailGlobal: config.LOGIN_MAX_FAILURES_PER_EMAIL,
        globalWindowMs: config.LOGIN_EMAIL_WINDOW_SECONDS * 1000,
      }),
      issueToken: createTokenIssuer({
        key,
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        ttlSeconds: config.JWT_TTL_SECONDS,
      }),
      mfa: createMfaStore(db.sql),
      cipher,
      mfaRequiredRoles: config.MFA_REQUIRED_ROLES,
      bcryptCost: config.BCRYPT_COST,
      trustProxy: config.TRUST_PROXY,
      maxBodyBytes: config.MAX_BODY_BYTES,
    };
  },
  routes: mountAuthRoutes,
  // Each route declares its action (`defineRoute`): the contract's `auth.*` and `user.*` actions;
  // `GET /me`, `GET /validate`, the JWKS and the revocation list say why they are not audited.
  audit: {},
  // Keys older than IDEMPOTENCY_TTL_SECONDS, revocations whose tokens have all expired, and
  // expired second-step login tokens are deleted every ten minutes.
  workers: ({ keys, revocations, mfa, logger }) => [
    idempotencyKeyCleanup(keys, logger),
    createPollingWorker({
      name: "revocation cleanup",
      logger,
      pollMs: 10 * 60_000,
      round: () => revocations.deleteExpired(),
    }),
    createPollingWorker({
      name: "mfa token cleanup",
      logger,
      pollMs: 10 * 60_000,
      round: () => mfa.deleteExpiredChallenges(),
    }),
  ],
});
