import type { ReceivedEvent } from "@pms/events";
import type { NotificationStore } from "../store/notification_store.ts";
import type { MailSender } from "../workers/mail_sender.ts";

/**
 * The handler of topic `patient`: each `PATIENT_CREATED` records a `WELCOME` message (PENDING when
 * a sender runs, else SKIPPED), and the patient's latest name and email are kept for later
 * messages, each event id once; a new message wakes the sender.
 */
export function queueWelcomeMessages(store: NotificationStore, sender: MailSender | undefined) {
  return async function queueWelcomeMessages(received: ReceivedEvent[]): Promise<void> {
    const applied = await store.recordMany(received.map((r) => r.event), sender !== undefined);
    if (applied > 0) sender?.wake();
  };
}
