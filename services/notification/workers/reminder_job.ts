import type { Logger } from "@pms/log";
import { createPollingWorker, type PollingWorker } from "@pms/worker";
import type { AppointmentNotificationStore } from "../store/appointment_store.ts";

/** Options for {@linkcode createReminderJob}. */
export interface ReminderJobOptions {
  store: AppointmentNotificationStore;
  /** SMTP is configured: reminders are PENDING (else recorded SKIPPED). */
  canSend: boolean;
  /** Woken when reminders were queued (the mail sender). */
  onQueued?: () => void;
  logger: Logger;
  pollMs: number;
}

/**
 * Turns due appointment reminders into `APPOINTMENT_REMINDER` notifications. The state lives in
 * the database: a reminder is marked SENT by the statement that records its notification, so a
 * restart resumes where it stopped, and two instances never record one twice.
 */
export function createReminderJob(options: ReminderJobOptions): PollingWorker {
  return createPollingWorker({
    name: "appointment reminders",
    logger: options.logger,
    pollMs: options.pollMs,
    round: async () => {
      const queued = await options.store.queueDueReminders(options.canSend, 50);
      if (queued > 0) {
        options.logger.info("appointment reminders queued", { count: queued });
        options.onQueued?.();
      }
      return queued;
    },
  });
}
