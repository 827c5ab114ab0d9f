import type { ReceivedEvent } from "@pms/events";
import type { NotificationStore } from "../store/notification_store.ts";
import type { WelcomeSender } from "../workers/welcome_sender.ts";

/**
 * The handler of topic `patient`: each `PATIENT_CREATED` records a `WELCOME` message (PENDING when
 * a sender runs, else SKIPPED), each event id once; a new message wakes the sender.
 */
export function queueWelcomeMessages(store: NotificationStore, sender: WelcomeSender | undefined) {
  return async function queueWelcomeMessages(received: ReceivedEvent[]): Promise<void> {
    const applied = await store.recordMany(received.map((r) => r.event), sender !== undefined);
    if (applied > 0) sender?.wake();
  };
}
