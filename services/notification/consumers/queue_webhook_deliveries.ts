import type { ReceivedEvent } from "@pms/events";
import type { WebhookStore } from "../store/webhook_store.ts";
import type { WebhookEvent } from "../webhooks/webhook_event.ts";

/**
 * A topic's handler for webhooks: each event a webhook may subscribe to becomes one delivery per
 * subscribed webhook (each once, however often the event arrives; see `WebhookStore.enqueue`),
 * then the sender is woken. Only rows are written here: sending is the sender's, so a slow or
 * failing receiver never holds the topic up.
 */
export function queueWebhookDeliveries<T>(
  store: WebhookStore,
  toWebhookEvent: (event: T) => WebhookEvent | undefined,
  sender: { wake(): void } | undefined,
) {
  return async function queueWebhookDeliveries(received: ReceivedEvent<T>[]): Promise<void> {
    const events = received.map((r) => toWebhookEvent(r.event)).filter((e) => e !== undefined);
    if ((await store.enqueue(events)) > 0) sender?.wake();
  };
}

/** Runs `handlers` one after the other on each batch (all of a topic's work in this service). */
export function inTurn<T>(...handlers: ((received: ReceivedEvent<T>[]) => Promise<void>)[]) {
  return async function inTurn(received: ReceivedEvent<T>[]): Promise<void> {
    for (const handle of handlers) await handle(received);
  };
}
