import nodemailer from "nodemailer";
import { AUDIT_CHANNEL, insertAuditRecords } from "@pms/audit";
import { signalCommit } from "@pms/worker";
import { remotePatientAccess } from "@pms/patient_access";
import { createIdempotencyStore } from "@pms/http";
import { defineService, everyEventConsumer, idempotencyKeyCleanup } from "@pms/service";
import { topology } from "../catalog.ts";
import { mountNotificationRoutes } from "./app.ts";
import { loadNotificationConfig } from "./config.ts";
import { queueAppointmentMessages } from "./consumers/queue_appointment_messages.ts";
import { queueInvoiceMessages } from "./consumers/queue_invoice_messages.ts";
import { inTurn, queueWebhookDeliveries } from "./consumers/queue_webhook_deliveries.ts";
import { queueWelcomeMessages } from "./consumers/queue_welcome_messages.ts";
import { createAppointmentStore } from "./store/appointment_store.ts";
import { createNotificationStore } from "./store/notification_store.ts";
import { createWebhookStore } from "./store/webhook_store.ts";
import {
  fromAppointmentEvent,
  fromBillingEvent,
  fromEncounterEvent,
  fromPatientEvent,
} from "./webhooks/webhook_event.ts";
import { createWebhookSender } from "./webhooks/webhook_sender.ts";
import { createMailSender } from "./workers/mail_sender.ts";
import { createReminderJob } from "./workers/reminder_job.ts";

/**
 * The notification service: a WELCOME per new patient, an INVOICE per issued invoice, and an
 * appointment's confirmation, cancellation and reminder (`REMINDER_LEAD_MINUTES` before it),
 * mailed when SMTP is configured; and signed webhook deliveries of the events ADMINs subscribe
 * to.
 */
export const notification = defineService({
  topology: topology("notification"),
  title: "Notification Service API",
  migrations: new URL("./migrations", import.meta.url),
  config: loadNotificationConfig,
  setup({ config, db, logger }) {
    const store = createNotificationStore(db.sql, {
      securityAlertEmail: config.SECURITY_ALERT_EMAIL,
    });
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
    const webhooks = createWebhookStore(db.sql);
    const webhookSender = createWebhookSender({
      store: webhooks,
      logger,
      pollMs: config.NOTIFY_POLL_MS,
      retrySeconds: config.WEBHOOK_RETRY_SECONDS,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      allowInsecure: config.WEBHOOK_ALLOW_INSECURE,
      // An attempt that names a patient is a disclosure: the audit trail records each one.
      async disclosed(delivery) {
        await insertAuditRecords(db.sql, [{
          id: crypto.randomUUID(),
          time: new Date().toISOString(),
          actor: null,
          action: "webhook.deliver",
          outcome: "SUCCESS",
          patientIds: [
            ...(delivery.patientId ? [delivery.patientId] : []),
            ...delivery.alsoPatientIds,
          ],
          service: "notification",
          clientAddress: null,
          requestId: null,
          traceId: null,
          details: {
            deliveryId: delivery.id,
            eventId: delivery.eventId,
            type: delivery.type,
            attempt: delivery.attempts + 1,
          },
        }]);
        signalCommit(AUDIT_CHANNEL);
      },
    });
    return {
      store,
      sender,
      appointments,
      reminders,
      webhooks,
      webhookSender,
      keys: createIdempotencyStore(db.sql, { ttlSeconds: config.IDEMPOTENCY_TTL_SECONDS }),
      access: remotePatientAccess({ url: config.PATIENT_URL }),
      allowInsecure: config.WEBHOOK_ALLOW_INSECURE,
      paging: { defaultSize: config.PAGE_SIZE_DEFAULT, maxSize: config.PAGE_SIZE_MAX },
      wakeWebhooks: () => webhookSender.wake(),
    };
  },
  routes: mountNotificationRoutes,
  // Each route declares its action (`defineRoute`).
  audit: {},
  workers: ({ sender, reminders, webhookSender, keys, logger }) => [
    reminders,
    webhookSender,
    idempotencyKeyCleanup(keys, logger),
    ...(sender ? [sender] : []),
  ],
  consumers: ({ config, store, sender, appointments, reminders, webhooks, webhookSender }) =>
    everyEventConsumer(config, {
      // Consents first: a delivery a batch's DATA_SHARING denial covers is never made.
      patient: inTurn(
        queueWelcomeMessages(store, sender),
        queueWebhookDeliveries(webhooks, fromPatientEvent, webhookSender),
      ),
      billing: inTurn(
        queueWebhookDeliveries(webhooks, fromBillingEvent, webhookSender),
        queueInvoiceMessages(store, sender),
      ),
      appointment: inTurn(
        queueWebhookDeliveries(webhooks, fromAppointmentEvent, webhookSender),
        queueAppointmentMessages(appointments, {
          canSend: sender !== undefined,
          leadMinutes: config.REMINDER_LEAD_MINUTES,
          wake: [reminders, ...(sender ? [sender] : [])],
        }),
      ),
      clinical: queueWebhookDeliveries(webhooks, fromEncounterEvent, webhookSender),
    }),
});
