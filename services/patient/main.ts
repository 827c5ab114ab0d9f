import { loadOrExit } from "@pms/config";
import { Database } from "@pms/db";
import { serve, shutdownOnSignal } from "@pms/http";
import { createTokenVerifier } from "@pms/jwt";
import { Logger } from "@pms/log";
import { createApp } from "./app.ts";
import { loadPatientConfig } from "./config.ts";
import { createPatientService } from "./domain/patient_service.ts";
import { seedDemoPatients } from "./seed.ts";

const config = loadOrExit("patient", () => loadPatientConfig());
const logger = new Logger({ service: "patient", level: config.LOG_LEVEL });
const db = await Database.connect({
  url: config.DATABASE_URL,
  max: config.DATABASE_POOL_MAX,
  logger,
  migrationsDir: new URL("./migrations", import.meta.url).pathname,
});
if (config.SEED_DEMO_DATA) await seedDemoPatients(db.sql, logger);

const app = createApp({
  service: createPatientService({ sql: db.sql }),
  logger,
  verify: createTokenVerifier({
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  }),
  paging: { defaultSize: config.PAGE_SIZE_DEFAULT, maxSize: config.PAGE_SIZE_MAX },
  maxBodyBytes: config.MAX_BODY_BYTES,
  ping: () => db.ping(),
});
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST, logger });
shutdownOnSignal(logger, async () => {
  await server.shutdown();
  await db.close();
});
