import assert from "node:assert/strict";
import {
  createTestTokens,
  jsonCaller,
  openTestDatabase,
  patientDataRouteDeps,
  testServiceApp,
} from "@pms/testing";
import { type ClinicalRoutesDeps, mountClinicalRoutes } from "./app.ts";
import { createClinicalService } from "./domain/clinical_service.ts";

const tokens = await createTestTokens();
const clinician = await tokens.tokenFor("CLINICIAN");

/** The clinical routes on a fresh database, and a caller of them as one clinician. */
async function clinicalApp() {
  const testDb = await openTestDatabase("clinical", new URL("./migrations", import.meta.url));
  const { sql } = testDb.db;
  const { patients, ...common } = patientDataRouteDeps(sql, tokens.verify);
  const deps: ClinicalRoutesDeps = {
    ...common,
    service: createClinicalService(sql, {
      patients,
      appointments: { find: () => Promise.resolve(undefined) },
    }),
    maxBodyBytes: 64 * 1024,
    currency: "USD",
  };
  const app = testServiceApp((app) => mountClinicalRoutes(app, deps));
  const call = jsonCaller(app, clinician);
  const encounter = async () => {
    const opened = await call("POST", "/encounters", {
      patientId: crypto.randomUUID(),
      class: "AMBULATORY",
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    return opened.body as { id: string; patientId: string };
  };
  return { testDb, call, encounter, app };
}

Deno.test("the clinical creating POSTs honour Idempotency-Key: one record, the answer replayed", async () => {
  const { testDb, call, encounter } = await clinicalApp();
  await using _db = testDb;
  const { id, patientId } = await encounter();
  const once = async (path: string, body: unknown, key: string) => {
    const first = await call("POST", path, body, { "Idempotency-Key": key });
    assert.equal(first.status, 201, `${path}: ${JSON.stringify(first.body)}`);
    assert.equal(first.headers.get("Idempotent-Replayed"), null);
    const again = await call("POST", path, body, { "Idempotency-Key": key });
    assert.equal(again.status, 201, path);
    assert.equal(again.headers.get("Idempotent-Replayed"), "true", path);
    assert.deepEqual(again.body, first.body, path);
    const tooLong = await call("POST", path, body, { "Idempotency-Key": "k".repeat(256) });
    assert.equal(tooLong.status, 400, path);
    return first.body as { id: string };
  };

  await once(`/encounters/${id}/observations`, { code: "8867-4", value: 72, unit: "/min" }, "o-1");
  const observations = await call("GET", `/observations?patientId=${patientId}`);
  assert.equal(observations.body.length, 1);

  const note = await once(`/encounters/${id}/notes`, { subjective: "Headache" }, "n-1");
  const notes = await call("GET", `/notes?encounterId=${id}`);
  assert.equal(notes.body.length, 1);

  assert.equal((await call("POST", `/notes/${note.id}/sign`)).status, 200);
  await once(`/notes/${note.id}/addenda`, { text: "Seen again" }, "a-1");
  assert.equal((await call("GET", `/notes/${note.id}`)).body.addenda.length, 1);
});

Deno.test("finishing an encounter refuses charges in another currency than the accounts'", async () => {
  const { testDb, call, encounter } = await clinicalApp();
  await using _db = testDb;
  const { id } = await encounter();
  const charge = (currency: string) => ({
    charges: [{ code: "99213", description: "Visit", amount: { amount: 12500, currency } }],
  });
  const euros = await call("POST", `/encounters/${id}/finish`, charge("EUR"));
  assert.equal(euros.status, 400);
  assert.deepEqual(euros.body, { charges: "Currency must be USD" });
  // A 400 comes before the unknown encounter's 404.
  const unknown = await call("POST", `/encounters/${crypto.randomUUID()}/finish`, charge("EUR"));
  assert.equal(unknown.status, 400);
  const bogus = await call("POST", `/encounters/${id}/finish`, charge("XYZ"));
  assert.deepEqual(bogus.body, { charges: "Currency must be an ISO 4217 code" });
  const dollars = await call("POST", `/encounters/${id}/finish`, charge("USD"));
  assert.equal(dollars.status, 200, JSON.stringify(dollars.body));
  assert.equal(dollars.body.status, "FINISHED");
});

Deno.test("PATCH /notes/{id}: null clears a field (RFC 7396); 400 before 412 before 409", async () => {
  const { testDb, call, encounter } = await clinicalApp();
  await using _db = testDb;
  const { id } = await encounter();
  const created = await call("POST", `/encounters/${id}/notes`, { subjective: "s", plan: "p" });
  const note = created.body as { id: string };
  const merge = { "Content-Type": "application/merge-patch+json" };
  const stale = { ...merge, "If-Match": 'W/"9"' };

  const cleared = await call("PATCH", `/notes/${note.id}`, { plan: null }, merge);
  assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
  assert.equal(cleared.body.plan, "");
  assert.equal(cleared.body.subjective, "s");
  assert.equal(cleared.body.version, 2);

  const empty = await call("PATCH", `/notes/${note.id}`, { subjective: null }, stale);
  assert.equal(empty.status, 400, JSON.stringify(empty.body));
  assert.ok(empty.body.subjective);
  assert.equal((await call("PATCH", `/notes/${note.id}`, { plan: "x" }, stale)).status, 412);

  assert.equal((await call("POST", `/notes/${note.id}/sign`)).status, 200);
  const signedEmpty = await call("PATCH", `/notes/${note.id}`, { subjective: null }, stale);
  assert.equal(signedEmpty.status, 400);
  const signedStale = await call("PATCH", `/notes/${note.id}`, { plan: "x" }, stale);
  assert.equal(signedStale.status, 412);
  const signed = await call("PATCH", `/notes/${note.id}`, { plan: "x" }, merge);
  assert.deepEqual([signed.status, signed.body], [409, { message: "Note is signed" }]);
});

Deno.test("PATCH /notes/{id} by another than its author is 403 whatever the body", async () => {
  const { testDb, call, encounter, app } = await clinicalApp();
  await using _db = testDb;
  const { id } = await encounter();
  const note = (await call("POST", `/encounters/${id}/notes`, { subjective: "s" })).body;
  const other = jsonCaller(app, await tokens.tokenFor("CLINICIAN"));
  for (const body of [{ plan: 5 }, { unknown: "x" }, { plan: "p" }]) {
    const res = await other("PATCH", `/notes/${note.id}`, body);
    assert.deepEqual([res.status, res.body], [403, {
      message: "Only the note's author may change or sign it",
    }], JSON.stringify(body));
  }
  // The author's own bad body is still 400, and an unknown note 404.
  assert.equal((await call("PATCH", `/notes/${note.id}`, { plan: 5 })).status, 400);
  const unknown = await other("PATCH", `/notes/${crypto.randomUUID()}`, { plan: "p" });
  assert.equal(unknown.status, 404);
});

Deno.test("FHIR Observation search: code systems and partial dates with every prefix", async () => {
  const { testDb, call, encounter } = await clinicalApp();
  await using _db = testDb;
  const { id, patientId } = await encounter();
  const at = new Date(Date.now() - 60_000).toISOString();
  const observed = await call("POST", `/encounters/${id}/observations`, {
    code: "8867-4",
    value: 72,
    unit: "/min",
    effectiveAt: at,
  });
  assert.equal(observed.status, 201);
  const total = async (query: string) => {
    const res = await call("GET", `/fhir/R4/Observation?patient=${patientId}&${query}`);
    assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
    return res.body.total as number;
  };
  const enc = encodeURIComponent;
  assert.equal(await total(`code=8867-4`), 1);
  assert.equal(await total(`code=${enc("http://loinc.org|8867-4")}`), 1);
  assert.equal(await total(`code=${enc("http://loinc.org|")}`), 1);
  assert.equal(await total(`code=${enc("http://snomed.info/sct|8867-4")}`), 0);
  assert.equal(await total(`code=${enc("|8867-4")}`), 0);

  const year = at.slice(0, 4);
  const month = at.slice(0, 7);
  const day = at.slice(0, 10);
  for (
    const [date, found] of [
      [year, 1],
      [month, 1],
      [day, 1],
      [`ge${month}`, 1],
      [`le${year}`, 1],
      [`ne${day}`, 0],
      [`ne${month}`, 0],
      [`ne${Number(year) - 1}`, 1],
      [`lt${year}`, 0],
      [`gt${month}`, 0],
    ] as const
  ) {
    assert.equal(await total(`date=${date}`), found, date);
  }
  const encounters = await call("GET", `/fhir/R4/Encounter?patient=${patientId}&date=ne${year}`);
  assert.equal(encounters.body.total, 0);
  const bad = await call("GET", `/fhir/R4/Observation?date=2026-13`);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.resourceType, "OperationOutcome");
});

Deno.test("mountClinicalRoutes() describes its FHIR reads and searches in a document of their own", async () => {
  const { testDb, call } = await clinicalApp();
  await using _db = testDb;
  const fhir = await call("GET", "/v3/api-docs/clinical-fhir");
  assert.equal(fhir.status, 200);
  const paths = Object.keys((fhir.body as { paths: object }).paths);
  for (const path of ["/Encounter/{id}", "/Encounter", "/Observation/{id}", "/Observation"]) {
    assert.ok(paths.includes(path), `${path} in ${paths}`);
  }
});

Deno.test("GET /encounters/{id}, /notes/{id} and the FHIR Encounter and Observation reads answer 304 to a matching If-None-Match", async () => {
  const { testDb, call, encounter } = await clinicalApp();
  await using _db = testDb;
  const { id } = await encounter();
  const note = await call("POST", `/encounters/${id}/notes`, { subjective: "Headache" });
  assert.equal(note.status, 201, JSON.stringify(note.body));
  const observed = await call("POST", `/encounters/${id}/observations`, {
    code: "8867-4",
    value: 72,
    unit: "/min",
  });
  assert.equal(observed.status, 201, JSON.stringify(observed.body));
  for (
    const path of [
      `/encounters/${id}`,
      `/notes/${note.body.id}`,
      `/fhir/R4/Encounter/${id}`,
      `/fhir/R4/Observation/${observed.body.id}`,
    ]
  ) {
    const read = await call("GET", path);
    assert.equal(read.status, 200, path);
    const etag = read.headers.get("ETag")!;
    assert.match(etag, /^W\/"\d+"$/, path);
    const version = etag.slice(3, -1);
    for (const tag of [etag, `"${version}"`, `W/"99", ${etag}`, "*"]) {
      const again = await call("GET", path, undefined, { "If-None-Match": tag });
      assert.equal(again.status, 304, `${path} ${tag}`);
      assert.equal(again.body, undefined, `${path} ${tag}`);
      assert.equal(again.headers.get("ETag"), etag, `${path} ${tag}`);
    }
    const other = await call("GET", path, undefined, { "If-None-Match": 'W/"99"' });
    assert.equal(other.status, 200, path);
    assert.equal(other.body.id, read.body.id, path);
  }
});

Deno.test("PATCH /notes/{id} ignores id, version, createdAt and updatedAt; other unknown fields are 400", async () => {
  const { testDb, call, encounter } = await clinicalApp();
  await using _db = testDb;
  const { id } = await encounter();
  const note = (await call("POST", `/encounters/${id}/notes`, { subjective: "s" })).body;
  const { subjective, objective, assessment, plan } = note;
  const readOnly = {
    id: note.id,
    version: note.version,
    createdAt: note.createdAt,
    updatedAt: note.updatedAt,
  };

  const unchanged = await call("PATCH", `/notes/${note.id}`, readOnly);
  assert.equal(unchanged.status, 200, JSON.stringify(unchanged.body));
  assert.deepEqual(unchanged.body, note, "only read-only fields: a PATCH that changes nothing");
  const same = await call("PATCH", `/notes/${note.id}`, {
    ...readOnly,
    subjective,
    objective,
    assessment,
    plan,
  });
  assert.equal(same.status, 200, JSON.stringify(same.body));
  assert.equal(same.body.version, 1);
  const changed = await call("PATCH", `/notes/${note.id}`, {
    ...readOnly,
    id: crypto.randomUUID(),
    version: 42,
    plan: "Rest",
  }, { "Content-Type": "application/merge-patch+json" });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  assert.deepEqual([changed.body.id, changed.body.plan, changed.body.version], [
    note.id,
    "Rest",
    2,
  ]);
  const unknown = await call("PATCH", `/notes/${note.id}`, { ...readOnly, status: "SIGNED" });
  assert.deepEqual([unknown.status, unknown.body], [400, { status: "Unknown field" }]);
});
