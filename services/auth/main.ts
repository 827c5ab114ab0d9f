import { exitOnConfigError, loadOrExit } from "@pms/config";
import { Database } from "@pms/db";
import { serve, shutdownOnSignal } from "@pms/http";
import { createTokenVerifier } from "@pms/jwt";
import { Logger } from "@pms/log";
import { createApp } from "./app.ts";
import { loadAuthConfig } from "./config.ts";
import { createLoginThrottle } from "./domain/login_throttle.ts";
import { loadSigningKey } from "./domain/signing_key.ts";
import { createTokenIssuer } from "./domain/token_issuer.ts";
import { seedDemoUser } from "./seed.ts";
import { createUserStore } from "./store/user_store.ts";

const config = loadOrExit("auth", () => loadAuthConfig());
const logger = new Logger({ service: "auth", level: config.LOG_LEVEL });
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
const db = await Database.connect({
  url: config.DATABASE_URL,
  max: config.DATABASE_POOL_MAX,
  logger,
  migrationsDir: new URL("./migrations", import.meta.url).pathname,
});
const users = createUserStore(db.sql);
if (config.SEED_DEMO_DATA) await seedDemoUser(users, config.BCRYPT_COST, logger);

const publicKeys = [key.publicJwk];
const verifier = createTokenVerifier({
  jwks: { keys: publicKeys },
  issuer: config.JWT_ISSUER,
  audience: config.JWT_AUDIENCE,
});
const app = createApp({
  logger,
  users,
  throttle: createLoginThrottle({
    maxPerEmail: config.LOGIN_MAX_FAILURES,
    maxPerClient: config.LOGIN_MAX_FAILURES_PER_CLIENT,
    windowMs: config.LOGIN_WINDOW_SECONDS * 1000,
  }),
  issueToken: createTokenIssuer({
    key,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.JWT_TTL_SECONDS,
  }),
  bcryptCost: config.BCRYPT_COST,
  trustProxy: config.TRUST_PROXY,
  verify: verifier,
  publicKeys,
  maxBodyBytes: config.MAX_BODY_BYTES,
  ping: () => db.ping(),
});
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST, logger });
shutdownOnSignal(logger, async () => {
  await server.shutdown();
  await db.close();
});
