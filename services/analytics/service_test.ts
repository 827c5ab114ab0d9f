import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { type BillingEvent, encodeBillingEvent, InvalidEventError } from "@pms/events";
import { openTestDatabase, silentLogger } from "@pms/testing";
import { loadAnalyticsConfig } from "./config.ts";
import { analytics } from "./service.ts";
import { createAnalyticsStore } from "./store/analytics_store.ts";

Deno.test("analytics consumes topic billing in its own group, decoding and counting each event once", async () => {
  await using testDb = await openTestDatabase(
    "analytics",
    new URL("./migrations", import.meta.url),
  );
  const config = loadAnalyticsConfig({ DATABASE_URL: "postgres://localhost/analytics" });
  assert.equal(config.BILLING_TOPIC, "billing");
  assert.equal(config.BILLING_GROUP_ID, "analytics-billing");
  const custom = loadAnalyticsConfig({
    DATABASE_URL: "postgres://localhost/analytics",
    BILLING_TOPIC: "billing-x",
    BILLING_GROUP_ID: "analytics-billing-x",
  });
  assert.equal(custom.BILLING_TOPIC, "billing-x");
  assert.equal(custom.BILLING_GROUP_ID, "analytics-billing-x");

  const logger = silentLogger();
  const store = createAnalyticsStore(testDb.db.sql);
  // deno-lint-ignore no-explicit-any
  const specs = analytics.consumers!({ config, store, logger } as any);
  assert.deepEqual(specs.map((s) => [s.topic, s.group]), [
    ["patient", "analytics-service"],
    ["billing", "analytics-billing"],
    ["appointment", "analytics-appointment"],
    ["clinical", "analytics-clinical"],
  ]);
  const spec = specs[1]!;
  const event: BillingEvent = {
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
  const decoded = spec.decode!(Buffer.from(encodeBillingEvent(event)));
  assert.equal(spec.idOf!(decoded), event.eventId);
  assert.throws(() => spec.decode!(Buffer.from("not protobuf")), InvalidEventError);
  await spec.handleBatch([{ event: decoded, logger }, { event: decoded, logger }]);
  await spec.handleBatch([{ event: decoded, logger }]);
  const summary = await store.summary();
  assert.equal(summary.paymentsReceived, 1);
  assert.deepEqual(summary.revenue, [{ amount: 12_500, currency: "USD" }]);
});
