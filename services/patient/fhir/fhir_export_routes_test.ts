import assert from "node:assert/strict";
import { createTestTokens, openTestDatabase, silentLogger, testServiceApp } from "@pms/testing";
import { mountPatientRoutes } from "../app.ts";
import { NOWHERE, testRouteDeps } from "../_test_deps.ts";
import { createExportRunner } from "../domain/export_runner.ts";
import { failInterruptedJobs, insertExportJob } from "../store/export_store.ts";
import { sinceParam } from "./fhir_routes.ts";

const { verify, token } = await createTestTokens();
const MIGRATIONS = new URL("../migrations", import.meta.url);

Deno.test("sinceParam() takes RFC 3339 instants and dates, and refuses what is not on the calendar", () => {
  assert.equal(sinceParam(null), undefined);
  assert.equal(sinceParam("2026-01-02")!.toISOString(), "2026-01-02T00:00:00.000Z");
  assert.equal(
    sinceParam("2026-01-02T10:20:30.5+02:00")!.toISOString(),
    "2026-01-02T08:20:30.500Z",
  );
  // An unencoded `+` arrives as a space.
  assert.equal(sinceParam("2026-01-02T10:20:30 02:00")!.toISOString(), "2026-01-02T08:20:30.000Z");
  assert.equal(sinceParam("2026-01-02T10:20Z")!.toISOString(), "2026-01-02T10:20:00.000Z");
  for (
    const bad of [
      "",
      "yesterday",
      "2026-02-30",
      "2026-13-01",
      "2026-01-02T24:00:00Z",
      "2026-01-02T10:60:00Z",
      "2026-01-02T10:00:00",
      "2026-01-02T10:00:00+25:00",
      "2026-01-02T10:00:00Z\u0000",
    ]
  ) {
    assert.throws(() => sinceParam(bad), (e: Error & { status?: number }) => e.status === 400, bad);
  }
});

Deno.test("$export-status: 202 while running, the manifest when done, a 500 OperationOutcome when the job failed", async () => {
  await using testDb = await openTestDatabase("patient", MIGRATIONS);
  const sql = testDb.db.sql;
  const runner = createExportRunner({ sql, logger: silentLogger(), related: NOWHERE });
  const app = testServiceApp((app) => mountPatientRoutes(app, testRouteDeps(sql, verify, runner)));
  const get = (path: string, headers: Record<string, string> = {}) =>
    app.request(path, { headers: { Authorization: `Bearer ${token}`, ...headers } });
  const async = { Prefer: "respond-async" };
  try {
    // `_since` is an instant on the calendar; an unencoded `+` of its offset is read as one.
    assert.equal((await get("/fhir/R4/$export?_since=2026-02-30", async)).status, 400);
    const kicked = await get(
      "/fhir/R4/$export?_type=Patient&_since=2020-01-01T00:00:00+00:00",
      async,
    );
    assert.equal(kicked.status, 202);
    const status = new URL(kicked.headers.get("Content-Location")!).pathname;
    let manifest: Response;
    for (;;) {
      manifest = await get(status);
      if (manifest.status !== 202) break;
      await manifest.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(manifest.status, 200);
    const body = await manifest.json();
    assert.equal(body.requiresAccessToken, true);
    assert.deepEqual(body.error, []);

    // A job left running by a stopped instance is failed: its status says so, never a manifest.
    const id = crypto.randomUUID();
    await insertExportJob(sql, {
      id,
      requestedBy: "test",
      request: "http://localhost/fhir/R4/$export",
      types: ["Patient"],
      since: null,
      groupId: null,
      ttlHours: 24,
    });
    await failInterruptedJobs(sql);
    const failed = await get(`/fhir/R4/$export-status/${id}`);
    assert.equal(failed.status, 500);
    assert.match(failed.headers.get("Content-Type") ?? "", /application\/fhir\+json/);
    const outcome = await failed.json();
    assert.equal(outcome.resourceType, "OperationOutcome");
    assert.equal(outcome.issue[0].code, "exception");
    assert.match(outcome.issue[0].diagnostics, /interrupted/);

    // `$everything`'s `_since` follows the same rule.
    const patient = await app.request("/patients", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        name: "Ada Lovelace",
        email: "ada@example.com",
        address: "12 St James's Square",
        dateOfBirth: "1815-12-10",
        registeredDate: "2024-11-01",
      }),
    });
    const { id: patientId } = await patient.json();
    const everything = `/fhir/R4/Patient/${patientId}/$everything?_type=Patient`;
    assert.equal((await get(`${everything}&_since=2026-02-30`)).status, 400);
    const since = await get(`${everything}&_since=2020-01-01T00:00:00+00:00`);
    assert.equal(since.status, 200);
    assert.equal((await since.json()).total, 1);
  } finally {
    await runner.stop();
  }
});
