import type { Logger } from "@pms/log";
import { createPollingWorker, type PollingWorker } from "@pms/worker";
import type { DueDelivery, WebhookStore } from "../store/webhook_store.ts";
import { checkDestination, type Resolve } from "./destination.ts";
import { signatureHeaders } from "./signature.ts";

/** Options for {@linkcode createWebhookSender}. */
export interface WebhookSenderOptions {
  store: WebhookStore;
  logger: Logger;
  pollMs: number;
  /** `WEBHOOK_RETRY_SECONDS`: the wait before each retry; after the last, FAILED. */
  retrySeconds: number[];
  /** Time allowed for the receiver's answer (10 s). */
  timeoutMs: number;
  /** `WEBHOOK_ALLOW_INSECURE`. */
  allowInsecure: boolean;
  /**
   * Records that an attempt sends patients' ids to a receiver (the audit trail's
   * `webhook.deliver`), before the body leaves: an attempt whose record could not be committed is
   * not made.
   */
  disclosed(delivery: DueDelivery): Promise<void>;
  resolve?: Resolve;
  fetch?: typeof fetch;
}

/** The most of a receiver's answer that is read. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Reads at most `MAX_ANSWER_BYTES` of a body and drops the rest. */
async function drain(res: Response): Promise<void> {
  const reader = res.body?.getReader();
  if (!reader) return;
  let read = 0;
  try {
    while (read < MAX_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/**
 * Sends due webhook deliveries: the destination checked again (after DNS resolution) at every
 * attempt, the body signed (Standard Webhooks), `POST` without following redirects, within
 * `timeoutMs`; a 2xx answer is DELIVERED, anything else is retried after the next wait of
 * `retrySeconds`, then FAILED. Each attempt that names a patient is recorded as a disclosure before
 * it is sent, as a read is before it is answered: a receiver that takes the body and answers an
 * error (or none) has still been told. Deliveries live in the database, so a restart resumes them;
 * the topics are consumed apart from this, so a slow receiver never holds consumption up.
 */
export function createWebhookSender(options: WebhookSenderOptions): PollingWorker {
  const doFetch = options.fetch ?? fetch;
  const { store, logger } = options;

  async function attempt(d: DueDelivery): Promise<void> {
    const retryAt = () => {
      const wait = options.retrySeconds[d.attempts];
      return wait === undefined ? undefined : new Date(Date.now() + wait * 1000);
    };
    const refusal = await checkDestination(d.url, {
      allowInsecure: options.allowInsecure,
      resolve: options.resolve,
    });
    if (refusal) {
      await store.markFailed(d.id, { statusCode: null, error: refusal }, retryAt());
      logger.warn("webhook destination refused", { deliveryId: d.id, reason: refusal });
      return;
    }
    try {
      if (d.patientId || d.alsoPatientIds.length > 0) await options.disclosed(d);
      const res = await doFetch(d.url, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/json",
          "user-agent": "patient-management-webhooks",
          ...await signatureHeaders(d.secret, d.eventId, d.body),
        },
        body: d.body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await drain(res);
      if (res.status >= 200 && res.status < 300) {
        await store.markDelivered(d.id, res.status);
        logger.info("webhook delivered", { deliveryId: d.id, type: d.type, status: res.status });
      } else {
        await store.markFailed(
          d.id,
          { statusCode: res.status, error: `HTTP ${res.status}` },
          retryAt(),
        );
        logger.warn("webhook answered an error", { deliveryId: d.id, status: res.status });
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await store.markFailed(d.id, { statusCode: null, error: reason }, retryAt());
      logger.warn("webhook not reached", { deliveryId: d.id, reason });
    }
  }

  return createPollingWorker({
    name: "webhook sender",
    logger,
    pollMs: options.pollMs,
    round: async () => {
      const due = await store.claimDue(20, options.timeoutMs + 30_000);
      await Promise.all(due.map(attempt));
      return due.length;
    },
  });
}
