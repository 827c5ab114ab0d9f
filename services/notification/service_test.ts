import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { type BillingEvent, encodeBillingEvent, InvalidEventError } from "@pms/events";
import { openTestDatabase, silentLogger } from "@pms/testing";
import { loadNotificationConfig } from "./config.ts";
import { notification } from "./service.ts";
import { createNotificationStore } from "./store/notification_store.ts";
import { createWebhookStore } from "./store/webhook_store.ts";

Deno.test("notification consumes topic billing in its own group, an INVOICE per issued invoice once", async () => {
  await using testDb = await openTestDatabase(
    "notification",
    new URL("./migrations", import.meta.url),
  );
  const config = loadNotificationConfig({ DATABASE_URL: "postgres://localhost/notification" });
  assert.equal(config.BILLING_TOPIC, "billing");
  assert.equal(config.BILLING_GROUP_ID, "notification-billing");

  const logger = silentLogger();
  const store = createNotificationStore(testDb.db.sql);
  // No sender (SMTP not configured): messages are SKIPPED.
  const deps = {
    config,
    store,
    sender: undefined,
    webhooks: createWebhookStore(testDb.db.sql),
    logger,
  };
  // deno-lint-ignore no-explicit-any
  const specs = notification.consumers!(deps as any);
  assert.deepEqual(specs.map((s) => [s.topic, s.group]), [
    ["patient", "notification-service"],
    ["billing", "notification-billing"],
    ["appointment", "notification-appointment"],
    ["clinical", "notification-clinical"],
  ]);
  const spec = specs[1]!;
  const patientId = crypto.randomUUID();
  const event: BillingEvent = {
    eventId: crypto.randomUUID(),
    eventType: "INVOICE_ISSUED",
    occurredAt: new Date(),
    patientId,
    invoiceId: crypto.randomUUID(),
    invoiceNumber: "INV-000001",
    amount: 12_500,
    currency: "USD",
    paymentId: "",
  };
  const decoded = spec.decode!(Buffer.from(encodeBillingEvent(event)));
  assert.equal(spec.idOf!(decoded), event.eventId);
  assert.throws(() => spec.decode!(Buffer.from("not protobuf")), InvalidEventError);
  await spec.handleBatch([{ event: decoded, logger }, { event: decoded, logger }]);
  await spec.handleBatch([{ event: decoded, logger }]);
  const notes = await store.listByPatient(patientId);
  assert.deepEqual(notes.map((n) => [n.type, n.status]), [["INVOICE", "SKIPPED"]]);
});
