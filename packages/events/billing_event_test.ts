import assert from "node:assert/strict";
import { type BillingEvent, decodeBillingEvent, encodeBillingEvent } from "./billing_event.ts";
import { InvalidEventError } from "./patient_event.ts";

const event: BillingEvent = {
  eventId: crypto.randomUUID(),
  eventType: "PAYMENT_RECEIVED",
  occurredAt: new Date("2026-11-26T10:00:00.123Z"),
  patientId: crypto.randomUUID(),
  invoiceId: crypto.randomUUID(),
  invoiceNumber: "INV-2026-000001",
  amount: 1_000_000_000_000,
  currency: "USD",
  paymentId: crypto.randomUUID(),
};

Deno.test("encodeBillingEvent() and decodeBillingEvent() round-trip every field", () => {
  assert.deepEqual(decodeBillingEvent(encodeBillingEvent(event)), event);
});

Deno.test("decodeBillingEvent() refuses bytes that are no valid event", () => {
  const bad = [
    new Uint8Array(),
    new Uint8Array([0xff, 0xff, 0xff]),
    encodeBillingEvent({ ...event, eventType: "REFUND" as BillingEvent["eventType"] }),
    encodeBillingEvent({ ...event, eventId: "x" }),
    encodeBillingEvent({ ...event, invoiceId: "" }),
    encodeBillingEvent({ ...event, currency: "usd" }),
    encodeBillingEvent({ ...event, amount: 0 }),
    encodeBillingEvent({ ...event, paymentId: "nope" }),
  ];
  for (const bytes of bad) assert.throws(() => decodeBillingEvent(bytes), InvalidEventError);
});
