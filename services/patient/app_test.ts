import assert from "node:assert/strict";
import { createTestTokens, openTestDatabase, testServiceApp } from "@pms/testing";
import { mountPatientRoutes } from "./app.ts";
import { testRouteDeps } from "./_test_deps.ts";

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

Deno.test("mountPatientRoutes() answers REST and FHIR from one set of patient operations", async () => {
  await using testDb = await openTestDatabase("patient", new URL("./migrations", import.meta.url));
  const app = testServiceApp((app) =>
    mountPatientRoutes(app, testRouteDeps(testDb.db.sql, verify))
  );
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

Deno.test("mountPatientRoutes() serves history, deletion, restore, duplicates and groups", async () => {
  await using testDb = await openTestDatabase("patient", new URL("./migrations", import.meta.url));
  const app = testServiceApp((app) =>
    mountPatientRoutes(app, testRouteDeps(testDb.db.sql, verify))
  );
  const twin = (email: string) => ({
    name: "Grace Hopper",
    email,
    address: "1 Navy Way",
    dateOfBirth: "1906-12-09",
    registeredDate: "2024-11-01",
  });
  const first = await (await app.request("/patients", as(token, jsonBody(twin("g1@x.org")))))
    .json();
  const second = await app.request("/patients", as(token, jsonBody(twin("g2@x.org"))));
  assert.equal(second.status, 201);
  assert.equal(second.headers.get("Possible-Duplicates"), "1");
  const other = await second.json();

  const duplicates = await app.request(`/patients/${other.id}/duplicates`, as(token));
  assert.equal(duplicates.status, 200);
  assert.deepEqual(
    (await duplicates.json()).map((d: { patient: { id: string } }) => d.patient.id),
    [
      first.id,
    ],
  );

  // A FRONT_DESK user may not read the history; an ADMIN sees one version per change.
  const frontDesk = await tokenFor("FRONT_DESK");
  assert.equal((await app.request(`/patients/${first.id}/history`, as(frontDesk))).status, 403);
  const history = await app.request(`/patients/${first.id}/history`, as(token));
  assert.equal(history.status, 200);
  assert.equal((await history.json()).length, 1);

  // Deleted: gone from reads, listed as deleted, back after a restore.
  assert.equal(
    (await app.request(`/patients/${first.id}`, as(token, { method: "DELETE" }))).status,
    204,
  );
  assert.equal((await app.request(`/patients/${first.id}`, as(token))).status, 404);
  const deleted = await (await app.request("/patients/deleted", as(token))).json();
  assert.deepEqual(deleted.map((p: { id: string }) => p.id), [first.id]);
  const restored = await app.request(
    `/patients/${first.id}/restore`,
    as(token, { method: "POST" }),
  );
  assert.equal(restored.status, 200);
  assert.equal((await app.request(`/patients/${first.id}`, as(token))).status, 200);

  // A group with a member, found from the patient's side too.
  const group = await app.request(
    "/groups",
    as(token, jsonBody({ name: "Hopper household", kind: "FAMILY" })),
  );
  assert.equal(group.status, 201);
  const { id: groupId } = await group.json();
  const member = await app.request(
    `/groups/${groupId}/members`,
    as(token, jsonBody({ patientId: first.id, relationship: "HEAD" })),
  );
  assert.equal(member.status, 201);
  const groupsOf = await (await app.request(`/patients/${first.id}/groups`, as(token))).json();
  assert.deepEqual(groupsOf.map((g: { id: string }) => g.id), [groupId]);
});

Deno.test("mountPatientRoutes() answers the internal patient check with a token only", async () => {
  await using testDb = await openTestDatabase("patient", new URL("./migrations", import.meta.url));
  const app = testServiceApp((app) =>
    mountPatientRoutes(app, testRouteDeps(testDb.db.sql, verify))
  );
  const created = await app.request(
    "/patients",
    as(
      token,
      jsonBody({
        name: "Alan Turing",
        email: "alan@example.org",
        address: "Wilmslow",
        dateOfBirth: "1912-06-23",
        registeredDate: "2024-11-01",
      }),
    ),
  );
  assert.equal(created.status, 201);
  const { id } = await created.json();
  assert.equal((await app.request(`/internal/patients/${id}`)).status, 401);
  const auditor = await tokenFor("AUDITOR");
  const active = await app.request(`/internal/patients/${id}`, as(auditor));
  assert.equal(active.status, 200);
  assert.deepEqual(await active.json(), { id, status: "ACTIVE", restricted: false });
  await app.request(`/patients/${id}`, as(token, { method: "DELETE" }));
  assert.deepEqual(await (await app.request(`/internal/patients/${id}`, as(auditor))).json(), {
    id,
    status: "DELETED",
    restricted: false,
  });
  for (const unknown of [crypto.randomUUID(), "not-a-uuid"]) {
    assert.equal((await app.request(`/internal/patients/${unknown}`, as(auditor))).status, 404);
  }
});

Deno.test("mountPatientRoutes() answers creates made together each on its own, a taken email with 409 alone", async () => {
  await using testDb = await openTestDatabase("patient", new URL("./migrations", import.meta.url));
  const app = testServiceApp((app) =>
    mountPatientRoutes(app, testRouteDeps(testDb.db.sql, verify))
  );
  const patient = (n: number, email = `p${n}@example.com`) => ({
    name: `Patient ${n}`,
    email,
    address: "1 Main St",
    dateOfBirth: "1980-01-01",
    registeredDate: "2024-01-01",
  });
  assert.equal((await app.request("/patients", as(token, jsonBody(patient(0))))).status, 201);
  // Sent in one turn, they share one statement; the taken email makes it fail, so each is tried
  // alone and only its own create is refused.
  const bodies = [patient(1), patient(2, "p0@example.com"), patient(3), patient(4)];
  const answers = await Promise.all(
    bodies.map((body) => app.request("/patients", as(token, jsonBody(body)))),
  );
  assert.deepEqual(answers.map((a) => a.status), [201, 409, 201, 201]);
  const created = await Promise.all(
    answers.filter((a) => a.status === 201).map((a) => a.json()),
  );
  assert.deepEqual(created.map((p) => p.name), ["Patient 1", "Patient 3", "Patient 4"]);
  await answers[1]!.body?.cancel();
  // Each created patient has one event and one billing request, and nothing else was written.
  const [row] = await testDb.db.sql<{ patients: number; events: number; billing: number }[]>`
    select (select count(*) from patients)::int as patients,
           (select count(*) from event_outbox)::int as events,
           (select count(*) from billing_requests)::int as billing`;
  assert.deepEqual(row, { patients: 4, events: 4, billing: 4 });
  const events = await testDb.db.sql<{ key: string }[]>`
    select message_key as key from event_outbox order by id`;
  assert.deepEqual(
    new Set(events.map((e) => e.key)).size,
    4,
    "one event per patient",
  );
});
