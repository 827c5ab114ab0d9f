import nodemailer from "nodemailer";
import { type BillingEvent, decodeBillingEvent, decodePatientEvent } from "@pms/events";
import { defineService } from "@pms/service";
import { topology } from "../catalog.ts";
import { mountNotificationRoutes } from "./app.ts";
import { loadNotificationConfig } from "./config.ts";
import { queueInvoiceMessages } from "./consumers/queue_invoice_messages.ts";
import { queueWelcomeMessages } from "./consumers/queue_welcome_messages.ts";
import { createNotificationStore } from "./store/notification_store.ts";
import { createMailSender } from "./workers/mail_sender.ts";

/**
 * The notification service: a WELCOME per new patient and an INVOICE per issued invoice, mailed
 * when SMTP is configured.
 */
export const notification = defineService({
  topology: topology("notification"),
  title: "Notification Service API",
  migrations: new URL("./migrations", import.meta.url),
  config: loadNotificationConfig,
  setup({ config, db, logger }) {
    const store = createNotificationStore(db.sql);
    if (!config.SMTP_URL) {
      // A configuration, not a fault (dev runs without mail): said once, at info.
      logger.info("SMTP_URL is not set: messages are recorded as SKIPPED");
    }
    const sender = config.SMTP_URL
      ? createMailSender({
        store,
        transport: nodemailer.createTransport(config.SMTP_URL),
        from: config.SMTP_FROM,
        logger,
        maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
        retryBaseMs: config.NOTIFY_RETRY_BASE_MS,
        pollMs: config.NOTIFY_POLL_MS,
      })
      : undefined;
    return { store, sender };
  },
  routes: mountNotificationRoutes,
  // Each route declares its action (`defineRoute`).
  audit: {},
  workers: ({ sender }) => sender ? [sender] : [],
  consumers: ({ config, store, sender }) => [{
    topic: config.PATIENT_TOPIC,
    group: config.PATIENT_GROUP_ID,
    decode: decodePatientEvent,
    handleBatch: queueWelcomeMessages(store, sender),
  }, {
    topic: config.BILLING_TOPIC,
    group: config.BILLING_GROUP_ID,
    decode: decodeBillingEvent,
    idOf: (event: BillingEvent) => event.eventId,
    handleBatch: queueInvoiceMessages(store, sender),
  }],
});
