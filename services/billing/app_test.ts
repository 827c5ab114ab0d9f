import { unrestricted } from "@pms/patient_access";
import assert from "node:assert/strict";
import { createTestTokens, openTestDatabase, silentLogger, testServiceApp } from "@pms/testing";
import { createIdempotencyStore } from "@pms/http";
import type { PatientStatus } from "@pms/patient_directory";
import { type BillingRoutesDeps, mountBillingRoutes } from "./app.ts";
import { createBillingService } from "./domain/billing_service.ts";
import { createBillingAccountStore } from "./store/billing_account_store.ts";

const { verify, token, tokenFor } = await createTestTokens();
const auth = { headers: { Authorization: `Bearer ${token}` } };

/**
 * The routes' dependencies on one database (`sql` undefined: routes that never reach it); the
 * patient service is faked by `patients` (every patient unknown by default).
 */
function deps(
  sql: Parameters<typeof createBillingAccountStore>[0],
  patients: (id: string) => Promise<PatientStatus> = () => Promise.resolve("MISSING"),
): BillingRoutesDeps {
  const accounts = createBillingAccountStore(sql);
  return {
    billing: createBillingService(sql, accounts),
    keys: createIdempotencyStore(sql, { ttlSeconds: 60 }),
    verify,
    paging: { defaultSize: 50, maxSize: 100 },
    maxBodyBytes: 16_384,
    currency: "USD",
    access: unrestricted,
    accounts,
    patients: { status: (id) => patients(id) },
    logger: silentLogger(),
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

Deno.test("mountBillingRoutes() opens the account of a patient whose account was not opened yet", async () => {
  await using testDb = await openTestDatabase("billing", new URL("./migrations", import.meta.url));
  const { db } = testDb;
  const accounts = createBillingAccountStore(db.sql);
  const known = crypto.randomUUID();
  const deleted = crypto.randomUUID();
  const asked: string[] = [];
  const app = testServiceApp((app) =>
    mountBillingRoutes(
      app,
      deps(db.sql, (id) => {
        asked.push(id);
        return Promise.resolve(id === known ? "ACTIVE" : id === deleted ? "DELETED" : "MISSING");
      }),
    )
  );

  // A role the route refuses is refused first, and nothing is asked or opened.
  const clinician = await tokenFor("CLINICIAN");
  const refused = await app.request(`/billing/accounts/${known}`, {
    headers: { Authorization: `Bearer ${clinician}` },
  });
  assert.equal(refused.status, 403);
  await refused.body?.cancel();
  assert.deepEqual(asked, []);
  assert.equal(await accounts.findByPatientId(known), undefined);

  // A charge on a patient the patient service knows opens the account, once.
  const charge = await app.request(`/billing/accounts/${known}/charges`, {
    method: "POST",
    headers: { ...auth.headers, "Content-Type": "application/json" },
    body: JSON.stringify({
      code: "99213",
      description: "Office visit",
      amount: { amount: 12_500, currency: "USD" },
      serviceDate: "2024-11-01",
    }),
  });
  assert.equal(charge.status, 201);
  await charge.body?.cancel();
  const opened = await accounts.findByPatientId(known);
  assert.ok(opened);
  const read = await app.request(`/billing/accounts/${known}`, auth);
  assert.equal((await read.json()).accountId, opened.accountId);
  assert.deepEqual(asked, [known], "asked only while the account was missing");

  // A deleted patient had an account from its create: it is opened as well.
  assert.equal((await app.request(`/billing/accounts/${deleted}`, auth)).status, 200);

  // An unknown patient is still 404, and no account is opened for it.
  const unknown = crypto.randomUUID();
  const missing = await app.request(`/billing/accounts/${unknown}/charges`, auth);
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { message: "Billing account not found" });
  assert.equal(await accounts.findByPatientId(unknown), undefined);
  const nobody = crypto.randomUUID();
  assert.equal((await app.request(`/billing/accounts/${nobody}`, auth)).status, 404);
  assert.equal(asked.filter((id) => id === nobody).length, 1, "asked once on the account's path");

  // A patient service that does not answer leaves the call as it was: 404.
  const down = testServiceApp((app) =>
    mountBillingRoutes(app, deps(db.sql, () => Promise.reject(new Error("unreachable"))))
  );
  const unasked = await down.request(`/billing/accounts/${crypto.randomUUID()}`, auth);
  assert.equal(unasked.status, 404);
  await unasked.body?.cancel();
});
