import assert from "node:assert/strict";
import { openTestDatabase } from "@pms/testing";
import { createWebhookStore } from "./webhook_store.ts";

Deno.test("createWebhookStore() claimDue() sends nothing naming a patient who has denied DATA_SHARING since", async () => {
  await using testDb = await openTestDatabase(
    "notification",
    new URL("../migrations", import.meta.url),
  );
  const { sql } = testDb.db;
  const store = createWebhookStore(sql);
  const hook = await store.create(
    { url: "https://hooks.example.com/x", events: ["patient.updated"], description: null },
    "whsec_test",
  );
  const [later, other] = [crypto.randomUUID(), crypto.randomUUID()];
  const event = (patientId: string) => ({
    id: crypto.randomUUID(),
    type: "patient.updated" as const,
    occurredAt: new Date(),
    patientId,
    data: { patientId },
  });
  assert.equal(await store.enqueue([event(later), event(other)]), 2);
  // The denial arrives after the deliveries were made.
  await sql`insert into consents (patient_id, scope, denied, version)
            values (${later}, 'DATA_SHARING', true, 1)`;
  const claimed = await store.claimDue(10, 60_000);
  assert.deepEqual(claimed.map((d) => d.patientId), [other]);
  const { items } = await store.deliveries(hook.id, { status: "FAILED", page: 0, size: 10 });
  assert.equal(items.length, 1);
  assert.equal(items[0]!.lastError, "Not sent: the patient denied DATA_SHARING");
});

Deno.test("createWebhookStore() enqueue() delivers a ping only to the webhook pinged", async () => {
  await using testDb = await openTestDatabase(
    "notification",
    new URL("../migrations", import.meta.url),
  );
  const store = createWebhookStore(testDb.db.sql);
  const hook = (path: string) =>
    store.create(
      { url: `https://hooks.example.com/${path}`, events: ["ping"], description: null },
      "whsec_test",
    );
  const [pinged, other] = [await hook("a"), await hook("b")];
  const ping = {
    id: crypto.randomUUID(),
    type: "ping" as const,
    occurredAt: new Date(),
    patientId: null,
    data: {},
  };
  assert.equal(await store.enqueue([ping], pinged.id), 1);
  const deliveries = async (id: string) =>
    (await store.deliveries(id, { page: 0, size: 10 })).items.length;
  assert.equal(await deliveries(pinged.id), 1);
  assert.equal(await deliveries(other.id), 0);
});
