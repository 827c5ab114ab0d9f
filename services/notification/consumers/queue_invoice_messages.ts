import type { BillingEvent, ReceivedEvent } from "@pms/events";
import type { NotificationStore } from "../store/notification_store.ts";
import type { MailSender } from "../workers/mail_sender.ts";

/**
 * The handler of topic `billing`: each `INVOICE_ISSUED` records an `INVOICE` message to the
 * patient's latest email (PENDING when a sender runs and the email is known, else SKIPPED); the
 * other types are only recorded as processed, each event id once. New events wake the sender.
 */
export function queueInvoiceMessages(store: NotificationStore, sender: MailSender | undefined) {
  return async function queueInvoiceMessages(
    received: ReceivedEvent<BillingEvent>[],
  ): Promise<void> {
    const applied = await store.recordBillingMany(
      received.map((r) => r.event),
      sender !== undefined,
    );
    if (applied > 0) sender?.wake();
  };
}
