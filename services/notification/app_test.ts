import assert from "node:assert/strict";
import { createIdempotencyStore, type IdempotencyStore } from "@pms/http";
import type { Sql } from "@pms/db";
import type { PatientAccess } from "@pms/patient_access";
import { unrestricted } from "@pms/patient_access";
import { createTestTokens, openTestDatabase, testServiceApp } from "@pms/testing";
import { mountNotificationRoutes } from "./app.ts";
import { createNotificationStore } from "./store/notification_store.ts";
import type { NotificationStore } from "./store/notification_store.ts";
import { createWebhookStore } from "./store/webhook_store.ts";
import type { WebhookStore } from "./store/webhook_store.ts";

const { verify, token, tokenFor } = await createTestTokens();
const auth = { Authorization: `Bearer ${token}` };

Deno.test("mountNotificationRoutes() lists a patient's notifications and checks its input", async () => {
  await using testDb = await openTestDatabase(
    "notification",
    new URL("./migrations", import.meta.url),
  );
  const { db } = testDb;
  const store = createNotificationStore(db.sql);
  const patientId = crypto.randomUUID();
  await store.record({
    eventId: crypto.randomUUID(),
    eventType: "PATIENT_CREATED",
    patientId,
    name: "n",
    email: "n@example.com",
    occurredAt: new Date(),
    version: 0,
  }, false);
  await store.recordBilling({
    eventId: crypto.randomUUID(),
    eventType: "INVOICE_ISSUED",
    occurredAt: new Date(),
    patientId,
    invoiceId: crypto.randomUUID(),
    invoiceNumber: "INV-000001",
    amount: 100,
    currency: "USD",
    paymentId: "",
  }, false);
  const app = testServiceApp((app) =>
    mountNotificationRoutes(app, {
      store,
      verify,
      access: unrestricted,
      webhooks: createWebhookStore(testDb.db.sql),
      keys: createIdempotencyStore(testDb.db.sql, { ttlSeconds: 60 }),
      allowInsecure: false,
      paging: { defaultSize: 20, maxSize: 100 },
      wakeWebhooks: () => {},
    })
  );
  const res = await app.request(`/notifications?patientId=${patientId}`, { headers: auth });
  assert.equal(res.status, 200);
  const [n, invoice, ...rest] = await res.json();
  assert.equal(rest.length, 0);
  assert.equal(invoice.type, "INVOICE");
  assert.equal(invoice.status, "SKIPPED");
  assert.deepEqual(Object.keys(invoice).sort(), ["createdAt", "id", "patientId", "status", "type"]);
  assert.deepEqual(Object.keys(n).sort(), ["createdAt", "id", "patientId", "status", "type"]);
  assert.equal(n.type, "WELCOME");
  assert.equal(n.status, "SKIPPED");
  for (const query of ["", "?patientId=nope", "?patientId='%20or%201=1"]) {
    const bad = await app.request(`/notifications${query}`, { headers: auth });
    assert.equal(bad.status, 400, query);
    assert.ok((await bad.json()).message);
  }
  const anonymous = await app.request(`/notifications?patientId=${patientId}`);
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
});

Deno.test("mountNotificationRoutes() refuses a restricted patient's messages, after the role check", async () => {
  const restricted = crypto.randomUUID();
  const open = crypto.randomUUID();
  const asked: string[][] = [];
  const access: PatientAccess = {
    decide(ids) {
      asked.push(ids);
      return Promise.resolve({
        hidden: new Set(ids.filter((id) => id === restricted)),
        grants: new Map(),
      });
    },
  };
  const store = {
    listByPatient: (patientId: string) =>
      Promise.resolve([{
        id: crypto.randomUUID(),
        patientId,
        type: "WELCOME",
        status: "SENT",
        createdAt: new Date().toISOString(),
      }]),
  } as unknown as NotificationStore;
  const app = testServiceApp((app) =>
    mountNotificationRoutes(app, {
      store,
      verify,
      access,
      webhooks: {} as WebhookStore,
      keys: {} as IdempotencyStore,
      allowInsecure: false,
      paging: { defaultSize: 20, maxSize: 100 },
      wakeWebhooks: () => {},
    })
  );
  const as = async (role: "ADMIN" | "AUDITOR", patientId: string) =>
    await app.request(`/notifications?patientId=${patientId}`, {
      headers: { Authorization: `Bearer ${await tokenFor(role)}` },
    });
  const refused = await as("ADMIN", restricted);
  assert.equal(refused.status, 403);
  assert.deepEqual(await refused.json(), { message: "Record is restricted", breakGlass: true });
  const seen = await as("ADMIN", open);
  assert.equal(seen.status, 200);
  assert.equal((await seen.json())[0].patientId, open);
  asked.length = 0;
  const forbidden = await as("AUDITOR", restricted);
  assert.equal(forbidden.status, 403);
  assert.deepEqual(await forbidden.json(), { message: "Forbidden" });
  assert.deepEqual(
    asked,
    [],
    "a role the route refuses is refused before the record is asked about",
  );
});

/** The notification routes on a test database's `sql`, with its webhook store. */
function webhookApp(sql: Sql) {
  const webhooks = createWebhookStore(sql);
  const app = testServiceApp((app) =>
    mountNotificationRoutes(app, {
      store: createNotificationStore(sql),
      verify,
      access: unrestricted,
      webhooks,
      keys: createIdempotencyStore(sql, { ttlSeconds: 60 }),
      allowInsecure: false,
      paging: { defaultSize: 20, maxSize: 100 },
      wakeWebhooks: () => {},
    })
  );
  return { app, webhooks };
}

Deno.test("mountNotificationRoutes() pages the webhooks like every list, newest first", async () => {
  await using testDb = await openTestDatabase(
    "notification",
    new URL("./migrations", import.meta.url),
  );
  const { app, webhooks } = webhookApp(testDb.db.sql);
  const made: string[] = [];
  for (const path of ["a", "b", "c"]) {
    const hook = await webhooks.create(
      { url: `https://hooks.example.com/${path}`, events: ["ping"], description: null },
      "whsec_test",
    );
    made.push(hook.id);
  }
  const first = await app.request("/webhooks?size=2", { headers: auth });
  assert.equal(first.status, 200);
  assert.equal(first.headers.get("X-Total-Count"), "3");
  assert.match(first.headers.get("Link") ?? "", /page=1&size=2>; rel="next"/);
  const page = await first.json();
  assert.deepEqual(page.map((h: { id: string }) => h.id), [made[2], made[1]]);
  assert.equal(page[0].secret, undefined);
  const last = await app.request("/webhooks?page=1&size=2", { headers: auth });
  assert.deepEqual((await last.json()).map((h: { id: string }) => h.id), [made[0]]);
  const bad = await app.request("/webhooks?size=0", { headers: auth });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).message, /size/);
});

Deno.test("GET /webhooks/{id} answers 304 to a matching If-None-Match; PATCH ignores its read-only fields", async () => {
  await using testDb = await openTestDatabase(
    "notification",
    new URL("./migrations", import.meta.url),
  );
  const { app, webhooks } = webhookApp(testDb.db.sql);
  const { id } = await webhooks.create(
    { url: "https://hooks.example.com/a", events: ["ping"], description: null },
    "whsec_test",
  );
  const path = `/webhooks/${id}`;
  const get = (ifNoneMatch: string) =>
    app.request(path, { headers: { ...auth, "If-None-Match": ifNoneMatch } });
  const patch = (body: unknown) =>
    app.request(path, {
      method: "PATCH",
      headers: { ...auth, "Content-Type": "application/merge-patch+json" },
      body: JSON.stringify(body),
    });

  const read = await app.request(path, { headers: auth });
  assert.equal(read.status, 200);
  assert.equal(read.headers.get("ETag"), 'W/"1"');
  const hook = await read.json();
  for (const tag of ['W/"1"', '"1"', 'W/"5", W/"1"', "*"]) {
    const again = await get(tag);
    assert.equal(again.status, 304, tag);
    assert.equal(again.headers.get("ETag"), 'W/"1"', tag);
    assert.equal(await again.text(), "", tag);
  }
  const other = await get('W/"2"');
  assert.equal(other.status, 200);
  assert.deepEqual(await other.json(), hook);

  const { url, events, active, version, createdAt, updatedAt } = hook;
  const readOnly = { id, version, createdAt, updatedAt };
  const fields = (h: Record<string, unknown>) => ({ ...h, version: 0, updatedAt: "" });
  for (const body of [readOnly, { ...readOnly, url, events, active }]) {
    const same = await patch(body);
    assert.equal(same.status, 200, JSON.stringify(body));
    assert.deepEqual(fields(await same.json()), fields(hook), JSON.stringify(body));
  }
  const changed = await patch({ ...readOnly, id: crypto.randomUUID(), version: 7, active: false });
  assert.equal(changed.status, 200);
  const after = await changed.json();
  assert.deepEqual([after.id, after.active, after.url], [id, false, url]);
  const unknown = await patch({ ...readOnly, secret: "whsec_mine" });
  assert.equal(unknown.status, 400);
  assert.deepEqual(await unknown.json(), { secret: "Unknown field" });
});
