import { unrestricted } from "@pms/patient_access";
import assert from "node:assert/strict";
import { createTestTokens, openTestDatabase, testServiceApp } from "@pms/testing";
import { createIdempotencyStore } from "@pms/http";
import { type BillingRoutesDeps, mountBillingRoutes } from "./app.ts";
import { createBillingService } from "./domain/billing_service.ts";
import { createBillingAccountStore } from "./store/billing_account_store.ts";

const { verify, token } = await createTestTokens();
const auth = { headers: { Authorization: `Bearer ${token}` } };

/** The routes' dependencies on one database (`sql` undefined: routes that never reach it). */
function deps(sql: Parameters<typeof createBillingAccountStore>[0]): BillingRoutesDeps {
  const accounts = createBillingAccountStore(sql);
  return {
    billing: createBillingService(sql, accounts),
    keys: createIdempotencyStore(sql, { ttlSeconds: 60 }),
    verify,
    paging: { defaultSize: 50, maxSize: 100 },
    maxBodyBytes: 16_384,
    currency: "USD",
    access: unrestricted,
  };
}

Deno.test("mountBillingRoutes() serves billing accounts by patient id, with a bearer token", async () => {
  await using testDb = await openTestDatabase("billing", new URL("./migrations", import.meta.url));
  const { db } = testDb;
  const accounts = createBillingAccountStore(db.sql);
  const app = testServiceApp((app) => mountBillingRoutes(app, deps(db.sql)));
  const patientId = crypto.randomUUID();
  const { account } = await accounts.open(patientId);

  const found = await app.request(`/billing/accounts/${patientId}`, auth);
  assert.equal(found.status, 200);
  assert.deepEqual(await found.json(), {
    accountId: account.accountId,
    patientId,
    status: "ACTIVE",
    currency: "USD",
    balance: { amount: 0, currency: "USD" },
    unbilled: { amount: 0, currency: "USD" },
  });

  const missing = await app.request(`/billing/accounts/${crypto.randomUUID()}`, auth);
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { message: "Billing account not found" });

  const malformed = await app.request("/billing/accounts/not-a-uuid", auth);
  assert.equal(malformed.status, 400);
  assert.match(malformed.headers.get("Content-Type") ?? "", /application\/json/);
  assert.deepEqual(await malformed.json(), { message: "Invalid patient id" });

  const anonymous = await app.request(`/billing/accounts/${patientId}`);
  assert.equal(anonymous.status, 401);
  assert.equal(typeof (await anonymous.json()).message, "string");
  const forged = await app.request(`/billing/accounts/${patientId}`, {
    headers: { Authorization: "Bearer not.a.token" },
  });
  assert.equal(forged.status, 401);
  await forged.body?.cancel();
});

Deno.test("the billing app reports health and publishes its OpenAPI document", async () => {
  const app = testServiceApp((app) => mountBillingRoutes(app, deps(undefined as never)), {
    title: "Billing Service API",
  });
  const health = await app.request("/health");
  assert.deepEqual(await health.json(), { status: "UP" });
  const doc = await (await app.request("/v3/api-docs")).json();
  assert.ok(doc.paths["/billing/accounts/{patientId}"].get);
  assert.ok(doc.components.securitySchemes.bearerAuth);

  const down = testServiceApp((app) => mountBillingRoutes(app, deps(undefined as never)), {
    health: () => Promise.resolve(false),
  });
  const unhealthy = await down.request("/health");
  assert.equal(unhealthy.status, 503);
  assert.deepEqual(await unhealthy.json(), { status: "DOWN" });
});
