import nodemailer from "nodemailer";
import {
  type AppointmentEvent,
  type BillingEvent,
  decodeAppointmentEvent,
  decodeBillingEvent,
  decodePatientEvent,
} from "@pms/events";
import { defineService } from "@pms/service";
import { topology } from "../catalog.ts";
import { mountNotificationRoutes } from "./app.ts";
import { loadNotificationConfig } from "./config.ts";
import { queueAppointmentMessages } from "./consumers/queue_appointment_messages.ts";
import { queueInvoiceMessages } from "./consumers/queue_invoice_messages.ts";
import { queueWelcomeMessages } from "./consumers/queue_welcome_messages.ts";
import { createAppointmentStore } from "./store/appointment_store.ts";
import { createNotificationStore } from "./store/notification_store.ts";
import { createMailSender } from "./workers/mail_sender.ts";
import { createReminderJob } from "./workers/reminder_job.ts";

/**
 * The notification service: a WELCOME per new patient, an INVOICE per issued invoice, and an
 * appointment's confirmation, cancellation and reminder (`REMINDER_LEAD_MINUTES` before it),
 * mailed when SMTP is configured.
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
    const appointments = createAppointmentStore(db.sql);
    const reminders = createReminderJob({
      store: appointments,
      canSend: sender !== undefined,
      onQueued: () => sender?.wake(),
      logger,
      pollMs: config.NOTIFY_POLL_MS,
    });
    return { store, sender, appointments, reminders };
  },
  routes: mountNotificationRoutes,
  // Each route declares its action (`defineRoute`).
  audit: {},
  workers: ({ sender, reminders }) => [reminders, ...(sender ? [sender] : [])],
  consumers: ({ config, store, sender, appointments, reminders }) => [{
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
  }, {
    topic: config.APPOINTMENT_TOPIC,
    group: config.APPOINTMENT_GROUP_ID,
    decode: decodeAppointmentEvent,
    idOf: (event: AppointmentEvent) => event.eventId,
    handleBatch: queueAppointmentMessages(appointments, {
      canSend: sender !== undefined,
      leadMinutes: config.REMINDER_LEAD_MINUTES,
      wake: [reminders, ...(sender ? [sender] : [])],
    }),
  }],
});
