import assert from "node:assert/strict";
import { createIdempotencyStore } from "@pms/http";
import { createTestTokens, openTestDatabase, silentLogger, testServiceApp } from "@pms/testing";
import { mountPatientRoutes, type PatientRoutesDeps } from "./app.ts";
import { createGroupService } from "./domain/group_service.ts";
import { createPatientService } from "./domain/patient_service.ts";

const { verify, token, tokenFor } = await createTestTokens();
const as = (bearer: string, init: RequestInit = {}) => ({
  ...init,
  headers: { Authorization: `Bearer ${bearer}`, ...init.headers },
});
const jsonBody = (body: unknown, type = "application/json") => ({
  method: "POST",
  headers: { "Content-Type": type },
  body: JSON.stringify(body),
});

function deps(sql: Parameters<typeof createPatientService>[0]): PatientRoutesDeps {
  return {
    service: createPatientService(sql, { listCachePages: 0 }),
    groups: createGroupService(sql),
    keys: createIdempotencyStore(sql, { ttlSeconds: 60 }),
    verify,
    paging: { defaultSize: 20, maxSize: 100 },
    maxBodyBytes: 16_384,
    fhirBaseUrl: "http://localhost/fhir/R4",
    logger: silentLogger(),
  };
}

Deno.test("mountPatientRoutes() answers REST and FHIR from one set of patient operations", async () => {
  await using testDb = await openTestDatabase("patient", new URL("./migrations", import.meta.url));
  const app = testServiceApp((app) => mountPatientRoutes(app, deps(testDb.db.sql)));
  const ada = {
    name: "Ada Lovelace",
    email: "ada@example.com",
    address: "12 St James's Square",
    dateOfBirth: "1815-12-10",
    registeredDate: "2024-11-01",
  };

  // 401 → 403 → 415 → 400, in that order.
  assert.equal((await app.request("/patients", jsonBody(ada))).status, 401);
  const billing = await tokenFor("BILLING");
  assert.equal((await app.request("/patients", as(billing, jsonBody(ada)))).status, 403);
  assert.equal(
    (await app.request("/patients", as(token, jsonBody(ada, "text/plain")))).status,
    415,
  );
  const invalid = await app.request("/patients", as(token, jsonBody({ ...ada, name: "" })));
  assert.equal(invalid.status, 400);
  assert.ok("name" in await invalid.json());

  const created = await app.request("/patients", as(token, jsonBody(ada)));
  assert.equal(created.status, 201);
  const patient = await created.json();
  assert.equal(created.headers.get("ETag"), 'W/"1"');

  // A duplicate email is a conflict over REST ({"message"}) and FHIR (an OperationOutcome).
  const again = await app.request("/patients", as(token, jsonBody(ada)));
  assert.equal(again.status, 409);
  assert.deepEqual(await again.json(), { message: "Email address already exists" });
  const fhirAgain = await app.request(
    "/fhir/R4/Patient",
    as(
      token,
      jsonBody({
        resourceType: "Patient",
        name: [{ text: "Ada Lovelace" }],
        telecom: [{ system: "email", value: "ada@example.com" }],
        address: [{ text: "12 St James's Square" }],
        birthDate: "1815-12-10",
      }, "application/fhir+json"),
    ),
  );
  assert.equal(fhirAgain.status, 409);
  const outcome = await fhirAgain.json();
  assert.equal(outcome.resourceType, "OperationOutcome");

  // The same record, read both ways.
  const read = await app.request(`/patients/${patient.id}`, as(token));
  assert.equal(read.status, 200);
  assert.equal((await read.json()).email, "ada@example.com");
  const fhirRead = await app.request(`/fhir/R4/Patient/${patient.id}`, as(token));
  assert.equal(fhirRead.status, 200);
  assert.equal((await fhirRead.json()).id, patient.id);

  // A stale If-Match is 412 with the current ETag; a missing patient 404.
  const stale = await app.request(
    `/patients/${patient.id}`,
    as(token, {
      method: "PUT",
      headers: { "Content-Type": "application/json", "If-Match": 'W/"7"' },
      body: JSON.stringify(ada),
    }),
  );
  assert.equal(stale.status, 412);
  assert.equal(stale.headers.get("ETag"), 'W/"1"');
  const missing = await app.request(`/patients/${crypto.randomUUID()}`, as(token));
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { message: "Patient not found" });

  // The paged list carries its total and links.
  const list = await app.request("/patients?size=1", as(billing));
  assert.equal(list.status, 200);
  assert.equal(list.headers.get("X-Total-Count"), "1");
  assert.ok(list.headers.get("Link"));
});
