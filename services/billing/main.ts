import { loadOrExit } from "@pms/config";
import { Database } from "@pms/db";
import { serve, shutdownOnSignal } from "@pms/http";
import { createTokenVerifier } from "@pms/jwt";
import { Logger } from "@pms/log";
import { createApp } from "./app.ts";
import { loadBillingConfig } from "./config.ts";
import { routeGrpcLogs } from "./grpc/grpc_log.ts";
import { startGrpcServer } from "./grpc/grpc_server.ts";
import { createBillingAccountStore } from "./store/billing_account_store.ts";

const config = loadOrExit("billing", () => loadBillingConfig());
const logger = new Logger({ service: "billing", level: config.LOG_LEVEL });
routeGrpcLogs(logger);
const db = await Database.connect({
  url: config.DATABASE_URL,
  max: config.DATABASE_POOL_MAX,
  logger,
  migrationsDir: new URL("./migrations", import.meta.url).pathname,
});
const accounts = createBillingAccountStore(db.sql);
const ping = () => db.ping();

const grpcServer = await startGrpcServer({
  host: config.GRPC_HOST,
  port: config.GRPC_PORT,
  accounts,
  logger,
  ping,
});
const app = createApp({
  accounts,
  logger,
  verify: createTokenVerifier({
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  }),
  ping,
});
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST, logger });

shutdownOnSignal(logger, async () => {
  await Promise.all([grpcServer.stop(3000), server.shutdown()]);
  await db.close();
});
