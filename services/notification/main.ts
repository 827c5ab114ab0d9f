import nodemailer from "nodemailer";
import { loadOrExit } from "@pms/config";
import { Database } from "@pms/db";
import { createKafka, type PatientEventConsumer, startPatientEventConsumer } from "@pms/events";
import { serve, shutdownOnSignal } from "@pms/http";
import { createTokenVerifier } from "@pms/jwt";
import { Logger } from "@pms/log";
import { createApp } from "./app.ts";
import { loadNotificationConfig } from "./config.ts";
import { createNotificationStore } from "./store/notification_store.ts";
import { createWelcomeSender, type WelcomeSender } from "./domain/welcome_sender.ts";

const config = loadOrExit("notification", () => loadNotificationConfig());
const logger = new Logger({ service: "notification", level: config.LOG_LEVEL });
const db = await Database.connect({
  url: config.DATABASE_URL,
  max: config.DATABASE_POOL_MAX,
  logger,
  migrationsDir: new URL("./migrations", import.meta.url).pathname,
});
const store = createNotificationStore(db.sql);
const verify = createTokenVerifier({
  jwksUrl: config.AUTH_JWKS_URL,
  issuer: config.JWT_ISSUER,
  audience: config.JWT_AUDIENCE,
});
const app = createApp({ store, logger, verify, ping: () => db.ping() });
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST, logger });

let sender: WelcomeSender | undefined;
if (config.SMTP_URL) {
  sender = createWelcomeSender({
    store,
    transport: nodemailer.createTransport(config.SMTP_URL),
    from: config.SMTP_FROM,
    logger,
    maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
    retryBaseMs: config.NOTIFY_RETRY_BASE_MS,
    pollMs: config.NOTIFY_POLL_MS,
  });
  sender.start();
} else {
  logger.warn("SMTP_URL is not set: WELCOME messages are recorded as SKIPPED");
}

let consumer: PatientEventConsumer | undefined;
if (config.KAFKA_BROKERS.length > 0) {
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "notification", logger });
  consumer = await startPatientEventConsumer({
    kafka,
    groupId: config.KAFKA_GROUP_ID,
    topic: config.KAFKA_TOPIC,
    logger,
    async handleBatch(received) {
      const applied = await store.recordMany(received.map((r) => r.event), sender !== undefined);
      if (applied > 0) sender?.wake();
    },
  });
} else {
  logger.warn("KAFKA_BROKERS is not set: no events are consumed");
}

shutdownOnSignal(logger, async () => {
  await server.shutdown();
  await consumer?.stop();
  await sender?.stop();
  await db.close();
});
