import type { AppointmentEvent, ReceivedEvent } from "@pms/events";
import type { AppointmentNotificationStore } from "../store/appointment_store.ts";

/** What the appointment handler wakes after recording. */
interface Wakeable {
  wake(): void;
}

/**
 * The handler of topic `appointment`: confirmations and cancellations recorded, reminders set,
 * moved or dropped (see `AppointmentNotificationStore.record`), each event id once; then the
 * reminder job (a reminder may be due at once) and the sender are woken.
 */
export function queueAppointmentMessages(
  store: AppointmentNotificationStore,
  options: { canSend: boolean; leadMinutes: number; wake: Wakeable[] },
) {
  return async function queueAppointmentMessages(
    received: ReceivedEvent<AppointmentEvent>[],
  ): Promise<void> {
    const applied = await store.record(
      received.map((r) => r.event),
      options.canSend,
      options.leadMinutes,
    );
    if (applied > 0) { for (const worker of options.wake) worker.wake(); }
  };
}
