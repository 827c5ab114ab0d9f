import type { AppointmentEvent, EncounterEvent, ReceivedEvent } from "@pms/events";
import type { Logger } from "@pms/log";
import type { AnalyticsStore, KeyedEvent } from "../store/analytics_store.ts";

/**
 * An appointment event's count key: `APPOINTMENT_BOOKED`, `APPOINTMENT_CHANGED`, or for a status
 * change `APPOINTMENT_<STATUS>` (`APPOINTMENT_CANCELLED`, `APPOINTMENT_NOSHOW`, …).
 */
export function appointmentKey(event: AppointmentEvent): KeyedEvent {
  return {
    eventId: event.eventId,
    key: event.eventType === "APPOINTMENT_STATUS_CHANGED"
      ? `APPOINTMENT_${event.status}`
      : event.eventType,
    patientId: event.patientId,
    occurredAt: event.occurredAt,
  };
}

/** An encounter event's count key: its type (`ENCOUNTER_FINISHED`, …). */
export function encounterKey(event: EncounterEvent): KeyedEvent {
  return {
    eventId: event.eventId,
    key: event.eventType,
    patientId: event.patientId,
    occurredAt: event.occurredAt,
  };
}

/** The handler of a topic whose events are counted by key (`appointment`, `clinical`). */
export function countKeyedEvents<T>(
  store: AnalyticsStore,
  logger: Logger,
  keyOf: (event: T) => KeyedEvent,
) {
  return async function countKeyedEvents(received: ReceivedEvent<T>[]): Promise<void> {
    const applied = await store.recordKeyedMany(received.map((r) => keyOf(r.event)));
    logger.debug("events counted", { received: received.length, applied });
  };
}
