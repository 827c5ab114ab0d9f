import { createBillingClient } from "@pms/billing-api";
import { loadOrExit } from "@pms/config";
import { Database } from "@pms/db";
import { createEventPublisher, createKafka, type EventPublisher } from "@pms/events";
import { serve, shutdownOnSignal } from "@pms/http";
import { createTokenVerifier } from "@pms/jwt";
import { Logger } from "@pms/log";
import type { PollingWorker } from "@pms/worker";
import { createApp } from "./app.ts";
import { loadPatientConfig } from "./config.ts";
import { createBillingDispatcher } from "./domain/billing_dispatcher.ts";
import { recordChange } from "./domain/outbox.ts";
import { createOutboxRelay } from "./domain/outbox_relay.ts";
import { createPatientService } from "./domain/patient_service.ts";
import { seedDemoPatients } from "./seed.ts";
import { BILLING_CHANNEL, OUTBOX_CHANNEL } from "./store/outbox_store.ts";

const config = loadOrExit("patient", () => loadPatientConfig());
const logger = new Logger({ service: "patient", level: config.LOG_LEVEL });
const db = await Database.connect({
  url: config.DATABASE_URL,
  max: config.DATABASE_POOL_MAX,
  logger,
  migrationsDir: new URL("./migrations", import.meta.url).pathname,
});
if (config.SEED_DEMO_DATA) await seedDemoPatients(db.sql, logger);

// Every change queues its event (and a new patient its billing account) in its own transaction;
// the relay and the dispatcher below deliver them, however long the broker or billing is away.
let publisher: EventPublisher | undefined;
let relay: PollingWorker | undefined;
if (config.KAFKA_BROKERS.length > 0) {
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "patient", logger });
  publisher = createEventPublisher({ kafka, topic: config.KAFKA_TOPIC, logger });
  relay = createOutboxRelay({
    sql: db.sql,
    publisher,
    logger,
    batchSize: config.OUTBOX_BATCH_SIZE,
    pollMs: config.OUTBOX_POLL_MS,
  });
  relay.start();
} else {
  logger.warn("KAFKA_BROKERS is not set: patient events are queued in the outbox, not published");
}
const billing = createBillingClient({
  address: config.BILLING_GRPC_ADDRESS,
  deadlineMs: config.BILLING_DEADLINE_MS,
});
const dispatcher = createBillingDispatcher({
  sql: db.sql,
  billing,
  logger,
  batchSize: 20,
  pollMs: config.OUTBOX_POLL_MS,
  retryBaseMs: config.BILLING_RETRY_BASE_MS,
  retryMaxMs: config.BILLING_RETRY_MAX_MS,
});
dispatcher.start();
// Commits wake the workers at once; polling remains the fallback if LISTEN is unavailable.
const listening = await Promise.all([
  db.sql.listen(OUTBOX_CHANNEL, () => relay?.wake()),
  db.sql.listen(BILLING_CHANNEL, () => dispatcher.wake()),
]).catch((error) => {
  logger.warn("LISTEN unavailable; the outbox is polled only", { err: error });
  return [];
});

const app = createApp({
  service: createPatientService({ sql: db.sql, onChange: recordChange }),
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
  await Promise.all([relay?.stop(), dispatcher.stop()]);
  await Promise.all(listening.map((l) => l.unlisten().catch(() => {})));
  await publisher?.close();
  billing.close();
  await db.close();
});
