import assert from "node:assert/strict";
import type { BillingEvent } from "@pms/events";
import { openTestDatabase } from "@pms/testing";
import { createAnalyticsStore } from "./analytics_store.ts";

function billing(
  eventType: BillingEvent["eventType"],
  amount: number,
  currency = "USD",
): BillingEvent {
  return {
    eventId: crypto.randomUUID(),
    eventType,
    occurredAt: new Date(),
    patientId: crypto.randomUUID(),
    invoiceId: crypto.randomUUID(),
    invoiceNumber: "INV-000001",
    amount,
    currency,
    paymentId: eventType === "INVOICE_ISSUED" ? "" : crypto.randomUUID(),
  };
}

Deno.test("createAnalyticsStore() counts each billing event once and sums revenue per currency exactly", async () => {
  await using testDb = await openTestDatabase(
    "analytics",
    new URL("../migrations", import.meta.url),
  );
  const store = createAnalyticsStore(testDb.db.sql);
  const empty = await store.summary();
  assert.equal(empty.invoicesIssued, 0);
  assert.equal(empty.paymentsReceived, 0);
  assert.deepEqual(empty.revenue, []);

  const issued = billing("INVOICE_ISSUED", 12_500);
  assert.equal(await store.recordBillingMany([issued]), 1);
  assert.equal(await store.recordBillingMany([issued]), 0, "a redelivery changes nothing");

  // A batch with a repeat inside it, one already counted, payments at the contract's limit
  // (10^12) in two currencies, and an INVOICE_PAID, which adds no revenue (same money).
  const big = billing("PAYMENT_RECEIVED", 1_000_000_000_000);
  const odd = billing("PAYMENT_RECEIVED", 999_999_999_999);
  const yen = billing("PAYMENT_RECEIVED", 5_000, "JPY");
  const paid = billing("INVOICE_PAID", 12_500);
  assert.equal(
    await store.recordBillingMany([big, big, issued, odd, yen, paid, billing("INVOICE_ISSUED", 1)]),
    5,
  );
  assert.equal(await store.recordBillingMany([big, odd, yen, paid]), 0);
  assert.equal(await store.recordBillingMany([]), 0);
  const summary = await store.summary();
  assert.equal(summary.invoicesIssued, 2);
  assert.equal(summary.paymentsReceived, 3);
  assert.deepEqual(summary.revenue, [
    { amount: 5_000, currency: "JPY" },
    { amount: 1_999_999_999_999, currency: "USD" },
  ]);
  assert.equal(summary.eventsConsumed, 6);
  assert.equal(summary.patientsCreated, 0, "billing events count no patient events");
  assert.ok(summary.lastEventAt);

  // Many payments in one currency: the sum is exact integer arithmetic in the database.
  const many = Array.from({ length: 200 }, (_, i) => billing("PAYMENT_RECEIVED", 3 + i, "EUR"));
  assert.equal(await store.recordBillingMany(many), 200);
  const eur = (await store.summary()).revenue.find((m) => m.currency === "EUR");
  assert.deepEqual(eur, { amount: 200 * 3 + (199 * 200) / 2, currency: "EUR" });
});

Deno.test("createAnalyticsStore() counts appointment and encounter events by key, each once", async () => {
  await using testDb = await openTestDatabase(
    "analytics",
    new URL("../migrations", import.meta.url),
  );
  const store = createAnalyticsStore(testDb.db.sql);
  const keyed = (key: string) => ({
    eventId: crypto.randomUUID(),
    key,
    patientId: crypto.randomUUID(),
    occurredAt: new Date(),
  });
  const booked = keyed("APPOINTMENT_BOOKED");
  const events = [
    booked,
    booked,
    keyed("APPOINTMENT_BOOKED"),
    keyed("APPOINTMENT_CANCELLED"),
    keyed("APPOINTMENT_NOSHOW"),
    keyed("APPOINTMENT_ARRIVED"),
    keyed("ENCOUNTER_FINISHED"),
  ];
  assert.equal(await store.recordKeyedMany(events), 6);
  assert.equal(await store.recordKeyedMany([booked]), 0, "a redelivery counts nothing");
  const summary = await store.summary();
  assert.equal(summary.appointmentsBooked, 2);
  assert.equal(summary.appointmentsCancelled, 1);
  assert.equal(summary.noShows, 1);
  assert.equal(summary.encountersFinished, 1);
  assert.equal(summary.eventsConsumed, 6);
});
