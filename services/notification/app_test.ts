import assert from "node:assert/strict";
import { Database } from "@pms/db";
import { createTestDatabase, createTestTokens, silentLogger } from "@pms/testing";
import { createApp } from "./app.ts";
import { createNotificationStore } from "./store/notification_store.ts";

const { verify, token } = await createTestTokens();
const auth = { Authorization: `Bearer ${token}` };

Deno.test("createApp() lists a patient's notifications and checks its input", async () => {
  const testDb = await createTestDatabase("notification");
  const db = await Database.connect({
    url: testDb.url,
    logger: silentLogger(),
    migrationsDir: new URL("./migrations", import.meta.url).pathname,
  });
  try {
    const store = createNotificationStore(db.sql);
    const patientId = crypto.randomUUID();
    await store.record({
      eventId: crypto.randomUUID(),
      eventType: "PATIENT_CREATED",
      patientId,
      name: "n",
      email: "n@example.com",
      occurredAt: new Date(),
    }, false);
    const app = createApp({ store, logger: silentLogger(), verify, ping: () => db.ping() });
    const res = await app.request(`/notifications?patientId=${patientId}`, { headers: auth });
    assert.equal(res.status, 200);
    const [n, ...rest] = await res.json();
    assert.equal(rest.length, 0);
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
  } finally {
    await db.close();
    await testDb.drop();
  }
});
