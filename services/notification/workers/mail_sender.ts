import type { Logger } from "@pms/log";
import { backoffDelay } from "@pms/retry";
import { createPollingWorker } from "@pms/worker";
import type { NotificationStore } from "../store/notification_store.ts";
import { composeMail } from "../domain/compose_mail.ts";
import type { MailMessage } from "../domain/mail_message.ts";

/** What sends mail (nodemailer's transport in production, a fake in unit tests). */
export interface MailTransport {
  sendMail(message: MailMessage): Promise<unknown>;
}

/** Options for {@linkcode createMailSender}. */
export interface MailSenderOptions {
  store: NotificationStore;
  transport: MailTransport;
  from: string;
  logger: Logger;
  maxAttempts: number;
  /** First retry delay; doubled per attempt, capped at five minutes. */
  retryBaseMs: number;
  pollMs: number;
  /** How long a claimed message is reserved (a crashed sender's messages come back after it). */
  leaseMs?: number;
}

/** Sends due messages in the background. */
export interface MailSender {
  /** Sends what is due now; resolves with the number of messages attempted. */
  runOnce(): Promise<number>;
  /** Looks again now instead of at the next poll (after a new message was recorded). */
  wake(): void;
  /** Starts polling. */
  start(): void;
  /** Stops polling and waits for the current round. */
  stop(): Promise<void>;
}

const MAX_DELAY_MS = 5 * 60_000;

/**
 * The sender of recorded messages (every type: `WELCOME`, `INVOICE`): claims due ones, sends
 * each its type's mail, and records SENT, or FAILED with the next attempt's time (exponential
 * backoff) until `maxAttempts` is reached.
 */
export function createMailSender(options: MailSenderOptions): MailSender {
  const { store, transport, logger } = options;

  async function runOnce(): Promise<number> {
    const due = await store.claimDue(20, options.maxAttempts, options.leaseMs ?? 60_000);
    for (const message of due) {
      try {
        await transport.sendMail(composeMail(options.from, message));
        await store.markSent(message.id);
        logger.info("notification sent", { notificationId: message.id, type: message.type });
      } catch (error) {
        const delay = backoffDelay(message.attempts, {
          baseMs: options.retryBaseMs,
          maxMs: MAX_DELAY_MS,
        });
        const reason = error instanceof Error ? error.message : String(error);
        await store.markFailed(message.id, reason, new Date(Date.now() + delay));
        logger.warn("notification failed", {
          notificationId: message.id,
          attempt: message.attempts + 1,
          retryInMs: message.attempts + 1 < options.maxAttempts ? delay : null,
          reason,
        });
      }
    }
    return due.length;
  }

  const worker = createPollingWorker({
    name: "notification sender",
    round: runOnce,
    pollMs: options.pollMs,
    logger,
  });
  return { runOnce, wake: worker.wake, start: worker.start, stop: worker.stop };
}
