import { loadOrExit } from "@pms/config";
import { Database } from "@pms/db";
import { createKafka, type PatientEventConsumer, startPatientEventConsumer } from "@pms/events";
import { serve, shutdownOnSignal } from "@pms/http";
import { createTokenVerifier } from "@pms/jwt";
import { Logger } from "@pms/log";
import { parseTraceparent } from "@pms/trace";
import { createApp } from "./app.ts";
import { loadAnalyticsConfig } from "./config.ts";
import { createAnalyticsStore } from "./store/analytics_store.ts";

const config = loadOrExit("analytics", () => loadAnalyticsConfig());
const logger = new Logger({ service: "analytics", level: config.LOG_LEVEL });
const db = await Database.connect({
  url: config.DATABASE_URL,
  max: config.DATABASE_POOL_MAX,
  logger,
  migrationsDir: new URL("./migrations", import.meta.url).pathname,
});
const store = createAnalyticsStore(db.sql);
const verify = createTokenVerifier({
  jwksUrl: config.AUTH_JWKS_URL,
  issuer: config.JWT_ISSUER,
  audience: config.JWT_AUDIENCE,
});
const app = createApp({ store, logger, verify, ping: () => db.ping() });
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST, logger });

let consumer: PatientEventConsumer | undefined;
if (config.KAFKA_BROKERS.length > 0) {
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "analytics", logger });
  consumer = await startPatientEventConsumer({
    kafka,
    groupId: config.KAFKA_GROUP_ID,
    topic: config.KAFKA_TOPIC,
    logger,
    async handleBatch(received) {
      const applied = await store.recordMany(received.map((r) => r.event));
      logger.debug("events counted", {
        received: received.length,
        applied,
        traceIds: received.map((r) => parseTraceparent(r.traceparent)?.traceId).filter(Boolean),
      });
    },
  });
} else {
  logger.warn("KAFKA_BROKERS is not set: no events are consumed");
}

shutdownOnSignal(logger, async () => {
  await server.shutdown();
  await consumer?.stop();
  await db.close();
});
