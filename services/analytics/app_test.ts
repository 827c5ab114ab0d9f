import assert from "node:assert/strict";
import type { BillingEvent, PatientEvent } from "@pms/events";
import { createTestTokens, openTestDatabase, testServiceApp } from "@pms/testing";
import { mountAnalyticsRoutes } from "./app.ts";
import { createAnalyticsStore } from "./store/analytics_store.ts";

const { verify, token } = await createTestTokens();

function event(eventType: PatientEvent["eventType"]): PatientEvent {
  return {
    eventId: crypto.randomUUID(),
    eventType,
    patientId: crypto.randomUUID(),
    name: "n",
    email: "e@example.com",
    occurredAt: new Date(),
    version: 0,
  };
}

Deno.test("createAnalyticsStore() counts each event once and mountAnalyticsRoutes() serves the summary", async () => {
  await using testDb = await openTestDatabase(
    "analytics",
    new URL("./migrations", import.meta.url),
  );
  const { db } = testDb;
  const store = createAnalyticsStore(db.sql);
  const created = event("PATIENT_CREATED");
  assert.equal(await store.record(created), true);
  assert.equal(await store.record(created), false);
  const updated = event("PATIENT_UPDATED");
  // A batch with a repeat inside it and one already counted: each event counts once.
  assert.equal(
    await store.recordMany([updated, updated, created, event("PATIENT_UPDATED")]),
    2,
  );
  assert.equal(await store.recordMany([event("PATIENT_DELETED")]), 1);
  const payment: BillingEvent = {
    eventId: crypto.randomUUID(),
    eventType: "PAYMENT_RECEIVED",
    occurredAt: new Date(),
    patientId: crypto.randomUUID(),
    invoiceId: crypto.randomUUID(),
    invoiceNumber: "INV-000001",
    amount: 12_500,
    currency: "USD",
    paymentId: crypto.randomUUID(),
  };
  assert.equal(await store.recordBillingMany([payment, payment]), 1);
  const app = testServiceApp((app) => mountAnalyticsRoutes(app, { store, verify }), {
    health: () => db.ping(),
  });
  const res = await app.request("/analytics/summary", {
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  const summary = await res.json();
  assert.equal(summary.patientsCreated, 1);
  assert.equal(summary.patientsUpdated, 2);
  assert.equal(summary.patientsDeleted, 1);
  assert.equal(summary.invoicesIssued, 0);
  assert.equal(summary.paymentsReceived, 1);
  assert.deepEqual(summary.revenue, [{ amount: 12_500, currency: "USD" }]);
  assert.equal(summary.eventsConsumed, 5);
  const anonymous = await app.request("/analytics/summary");
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
  const health = await app.request("/health");
  assert.deepEqual(await health.json(), { status: "UP" });
  const doc = await (await app.request("/v3/api-docs")).json();
  assert.ok(doc.paths["/analytics/summary"]);
  const schema = doc.components.schemas.AnalyticsSummary;
  for (const field of ["invoicesIssued", "paymentsReceived", "revenue", "eventsConsumed"]) {
    assert.ok(schema.properties[field], field);
  }
});
