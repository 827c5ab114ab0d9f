import type { AppointmentEvent, BillingEvent, EncounterEvent, PatientEvent } from "@pms/events";

/** The event types a webhook may subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  "patient.created",
  "patient.updated",
  "patient.deleted",
  "patient.restored",
  "patient.merged",
  "appointment.booked",
  "appointment.changed",
  "appointment.cancelled",
  "encounter.finished",
  "invoice.issued",
  "payment.received",
  "ping",
] as const;

/** One of {@linkcode WEBHOOK_EVENT_TYPES}. */
export type WebhookEventType = typeof WEBHOOK_EVENT_TYPES[number];

/** An event as webhooks deliver it: ids and types only, never a patient's details. */
export interface WebhookEvent {
  /** The event's own id: the delivery's `webhook-id`. */
  id: string;
  type: WebhookEventType;
  occurredAt: Date;
  /** The patient the event is about (for the disclosure record and consent), if any. */
  patientId: string | null;
  /** Other patients the event names (a merge's target), for consent and disclosure alike. */
  alsoPatientIds?: string[];
  data: Record<string, string>;
}

/** The webhook event of `e` as `type`: the event's id, time and patient, and `data`. */
function webhookEvent(
  e: { eventId: string; occurredAt: Date; patientId: string },
  type: WebhookEventType,
  data: Record<string, string>,
): WebhookEvent {
  return { id: e.eventId, type, occurredAt: e.occurredAt, patientId: e.patientId, data };
}

const PATIENT_TYPES: Partial<Record<PatientEvent["eventType"], WebhookEventType>> = {
  PATIENT_CREATED: "patient.created",
  PATIENT_UPDATED: "patient.updated",
  PATIENT_DELETED: "patient.deleted",
  PATIENT_RESTORED: "patient.restored",
  PATIENT_MERGED: "patient.merged",
};

/**
 * A patient event as a webhook event (a consent, restriction or break-glass change, or an
 * unmerge, is none). A merge's `data` names the merged patient and the one it merged into
 * (`{"patientId","mergedInto"}`).
 */
export function fromPatientEvent(e: PatientEvent): WebhookEvent | undefined {
  const type = PATIENT_TYPES[e.eventType];
  if (!type) return undefined;
  const mergedInto = type === "patient.merged" ? e.mergedInto : undefined;
  const event = webhookEvent(e, type, {
    patientId: e.patientId,
    ...(mergedInto !== undefined && { mergedInto }),
  });
  return mergedInto ? { ...event, alsoPatientIds: [mergedInto] } : event;
}

/** An appointment event as a webhook event (status changes other than a cancel are none). */
export function fromAppointmentEvent(e: AppointmentEvent): WebhookEvent | undefined {
  const type: WebhookEventType | undefined = e.eventType === "APPOINTMENT_BOOKED"
    ? "appointment.booked"
    : e.eventType === "APPOINTMENT_CHANGED"
    ? "appointment.changed"
    : e.status === "CANCELLED"
    ? "appointment.cancelled"
    : undefined;
  return type && webhookEvent(e, type, {
    appointmentId: e.appointmentId,
    patientId: e.patientId,
    scheduleId: e.scheduleId,
  });
}

/** An encounter event as a webhook event (only a finish is one). */
export function fromEncounterEvent(e: EncounterEvent): WebhookEvent | undefined {
  if (e.eventType !== "ENCOUNTER_FINISHED") return undefined;
  return webhookEvent(e, "encounter.finished", {
    encounterId: e.encounterId,
    patientId: e.patientId,
    ...(e.appointmentId && { appointmentId: e.appointmentId }),
  });
}

/** A billing event as a webhook event (`INVOICE_PAID` is none). */
export function fromBillingEvent(e: BillingEvent): WebhookEvent | undefined {
  if (e.eventType === "INVOICE_ISSUED") {
    return webhookEvent(e, "invoice.issued", { invoiceId: e.invoiceId, patientId: e.patientId });
  }
  if (e.eventType === "PAYMENT_RECEIVED") {
    const { paymentId, invoiceId, patientId } = e;
    return webhookEvent(e, "payment.received", { paymentId, invoiceId, patientId });
  }
  return undefined;
}

/** The body every attempt of a delivery sends: `{"id","type","occurredAt","data"}`. */
export function deliveryBody(event: WebhookEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    data: event.data,
  });
}
