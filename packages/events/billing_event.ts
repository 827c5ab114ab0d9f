import protobuf from "protobufjs";
import { isUuid } from "@pms/ids";
import { InvalidEventError } from "./patient_event.ts";
import { fromTimestamp, toTimestamp, type WireTimestamp } from "./_timestamp.ts";
import { decodeWire, requireUuids } from "./_wire.ts";

/** The billing event types. */
export const BILLING_EVENT_TYPES = ["INVOICE_ISSUED", "PAYMENT_RECEIVED", "INVOICE_PAID"] as const;

/** One of {@linkcode BILLING_EVENT_TYPES}. */
export type BillingEventType = typeof BILLING_EVENT_TYPES[number];

/** A billing event (`billing.events.BillingEvent`) as the services handle it. */
export interface BillingEvent {
  /** Unique per event (UUID); consumers record it to ignore redeliveries. */
  eventId: string;
  eventType: BillingEventType;
  /** When the change was committed. */
  occurredAt: Date;
  patientId: string;
  invoiceId: string;
  invoiceNumber: string;
  /** Minor units: the invoice's total, or the payment's amount for `PAYMENT_RECEIVED`. */
  amount: number;
  /** ISO 4217. */
  currency: string;
  /** The payment (`PAYMENT_RECEIVED`, `INVOICE_PAID`), else `""`. */
  paymentId: string;
}

const PROTO = new URL("../../proto/billing_event.proto", import.meta.url);
const root = new protobuf.Root().loadSync(PROTO.pathname, { keepCase: true });
const Message = root.lookupType("billing.events.BillingEvent");

/** Encodes an event as `billing.events.BillingEvent` wire bytes. */
export function encodeBillingEvent(event: BillingEvent): Uint8Array {
  return Message.encode(Message.fromObject({
    event_id: event.eventId,
    event_type: event.eventType,
    occurred_at: toTimestamp(event.occurredAt),
    patient_id: event.patientId,
    invoice_id: event.invoiceId,
    invoice_number: event.invoiceNumber,
    amount: event.amount,
    currency: event.currency,
    payment_id: event.paymentId,
  })).finish();
}

/**
 * Decodes and checks `billing.events.BillingEvent` wire bytes.
 *
 * @throws {InvalidEventError} when the bytes do not decode, or the event lacks an id, a known
 * type, a patient or invoice id, a currency, or a whole amount.
 */
export function decodeBillingEvent(bytes: Uint8Array | null | undefined): BillingEvent {
  const raw = decodeWire(Message, bytes, BILLING_EVENT_TYPES);
  const eventType = raw.event_type;
  requireUuids(raw, ["event_id", "patient_id", "invoice_id"]);
  const currency = String(raw.currency ?? "");
  if (!/^[A-Z]{3}$/.test(currency)) throw new InvalidEventError("currency is not ISO 4217");
  const amount = Number(raw.amount ?? 0);
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new InvalidEventError("amount is not a positive whole number");
  }
  const paymentId = String(raw.payment_id ?? "");
  if (paymentId !== "" && !isUuid(paymentId)) {
    throw new InvalidEventError("payment_id is not a UUID");
  }
  return {
    eventId: raw.event_id as string,
    eventType,
    occurredAt: fromTimestamp(raw.occurred_at as WireTimestamp),
    patientId: raw.patient_id as string,
    invoiceId: raw.invoice_id as string,
    invoiceNumber: String(raw.invoice_number ?? ""),
    amount,
    currency,
    paymentId,
  };
}
