import assert from "node:assert/strict";
import { createTestTokens, openTestDatabase, testServiceApp } from "@pms/testing";
import { decodePatientEvent } from "@pms/events";
import { mountPatientRoutes } from "../app.ts";
import { testRouteDeps } from "../_test_deps.ts";

const { verify, token, tokenFor } = await createTestTokens();
const MIGRATIONS = new URL("../migrations", import.meta.url);

async function system() {
  const testDb = await openTestDatabase("patient", MIGRATIONS);
  const sql = testDb.db.sql;
  const app = testServiceApp((app) => mountPatientRoutes(app, testRouteDeps(sql, verify)));
  const call = (method: string, path: string, body?: unknown, headers = {}, bearer = token) =>
    app.request(path, {
      method,
      headers: {
        Authorization: `Bearer ${bearer}`,
        ...(body !== undefined && { "Content-Type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const create = async (name: string, email: string) => {
    const res = await call("POST", "/patients", {
      name,
      email,
      address: "1 Main St",
      dateOfBirth: "1980-01-01",
      registeredDate: "2024-01-01",
    });
    assert.equal(res.status, 201);
    return await res.json() as { id: string; version: number; email: string; name: string };
  };
  return { testDb, sql, call, create, [Symbol.asyncDispose]: () => testDb[Symbol.asyncDispose]() };
}

Deno.test("merge routes refuse what they must, in the contract's order", async () => {
  await using s = await system();
  const a = await s.create("Ann Lee", "ann@example.com");
  const b = await s.create("Anne Lee", "anne@example.com");
  const frontDesk = await tokenFor("FRONT_DESK");
  const merge = (target: string, body: unknown, headers = {}) =>
    s.call("POST", `/patients/${target}/merge`, body, headers);

  assert.equal(
    (await s.call(
      "POST",
      `/patients/${a.id}/merge`,
      { sourceId: b.id, reason: "x" },
      {},
      frontDesk,
    ))
      .status,
    403,
  );
  const self = await merge(a.id, { sourceId: a.id, reason: "same" });
  assert.equal(self.status, 400);
  assert.deepEqual(await self.json(), { sourceId: "Cannot merge a patient with itself" });
  const noReason = await merge(a.id, { sourceId: b.id, reason: "" });
  assert.equal(noReason.status, 400);
  assert.ok("reason" in await noReason.json());
  const unknown = await merge(a.id, { sourceId: crypto.randomUUID(), reason: "dup" });
  assert.equal(unknown.status, 404);
  assert.deepEqual(await unknown.json(), { message: "Patient not found" });
  const stale = await merge(a.id, { sourceId: b.id, reason: "dup" }, { "If-Match": 'W/"9"' });
  assert.equal(stale.status, 412);
  assert.deepEqual(await stale.json(), { message: "Patient was changed by someone else" });

  const notMerged = await s.call("POST", `/patients/${b.id}/unmerge`);
  assert.equal(notMerged.status, 409);
  assert.equal((await s.call("POST", `/patients/${crypto.randomUUID()}/unmerge`)).status, 404);

  assert.equal((await merge(a.id, { sourceId: b.id, reason: "dup" })).status, 200);
  const again = await merge(a.id, { sourceId: b.id, reason: "dup" });
  assert.equal(again.status, 409);
  assert.deepEqual(await again.json(), { message: "Patient was merged" });
  const into = await merge(b.id, { sourceId: a.id, reason: "dup" });
  assert.equal(into.status, 409);
});

Deno.test("merge() previews, merges and unmerge() puts both patients back", async () => {
  await using s = await system();
  const target = await s.create("Ann Lee", "ann@example.com");
  const source = await s.create("Anne Lee", "anne@example.com");
  const group = await (await s.call("POST", "/groups", { name: "Lee", kind: "FAMILY" })).json();
  const other = await (await s.call("POST", "/groups", { name: "Both", kind: "OTHER" })).json();
  for (const [g, p] of [[group.id, source.id], [other.id, source.id], [other.id, target.id]]) {
    const res = await s.call("POST", `/groups/${g}/members`, {
      patientId: p,
      relationship: "OTHER",
    });
    assert.equal(res.status, 201, await res.text());
  }
  const body = { sourceId: source.id, reason: "same person", fields: { email: "source" } };

  const preview = await s.call("POST", `/patients/${target.id}/merge?preview=true`, body);
  assert.equal(preview.status, 200);
  const previewed = await preview.json();
  assert.equal(previewed.patient.email, "anne@example.com");
  assert.deepEqual(previewed.moved, { groups: 2 });
  assert.equal((await s.call("GET", `/patients/${source.id}`)).status, 200);

  const res = await s.call("POST", `/patients/${target.id}/merge`, body, {
    "If-Match": `W/"${target.version}"`,
  });
  assert.equal(res.status, 200);
  const merged = await res.json();
  assert.equal(merged.sourceId, source.id);
  assert.deepEqual(merged.moved, { groups: 2 });
  assert.equal(merged.patient.version, target.version + 1);
  assert.equal(merged.patient.email, "anne@example.com");

  const gone = await s.call("GET", `/patients/${source.id}`);
  assert.equal(gone.status, 410);
  assert.deepEqual(await gone.json(), { message: "Patient was merged", mergedInto: target.id });
  const list = await (await s.call("GET", "/patients?search=Lee")).json();
  assert.deepEqual(list.map((p: { id: string }) => p.id), [target.id]);
  const history = await (await s.call("GET", `/patients/${target.id}/history`)).json();
  assert.equal(history[0].change, "MERGED");
  const members = await (await s.call("GET", `/groups/${other.id}`)).json();
  assert.deepEqual(members.members.map((m: { patientId: string }) => m.patientId), [target.id]);

  const fhir = await (await s.call("GET", `/fhir/R4/Patient/${source.id}`)).json();
  assert.equal(fhir.active, false);
  assert.deepEqual(fhir.link, [{
    other: { reference: `Patient/${target.id}` },
    type: "replaced-by",
  }]);
  const fhirTarget = await (await s.call("GET", `/fhir/R4/Patient/${target.id}`)).json();
  assert.equal(fhirTarget.active, true);
  assert.deepEqual(fhirTarget.link, [{
    other: { reference: `Patient/${source.id}` },
    type: "replaces",
  }]);

  const events = await s.sql<{ payload: Uint8Array }[]>`select payload from event_outbox`;
  const mergedEvent = events.map((e) => decodePatientEvent(e.payload)).find((e) =>
    e.eventType === "PATIENT_MERGED"
  );
  assert.equal(mergedEvent?.patientId, source.id);
  assert.equal(mergedEvent?.mergedInto, target.id);

  const undo = await s.call("POST", `/patients/${source.id}/unmerge`);
  assert.equal(undo.status, 200);
  const undone = await undo.json();
  assert.equal(undone.targetId, target.id);
  assert.equal(undone.patient.email, "anne@example.com");
  const back = await (await s.call("GET", `/patients/${target.id}`)).json();
  assert.equal(back.email, "ann@example.com");
  assert.equal((await s.call("GET", `/patients/${source.id}`)).status, 200);
  const lee = await (await s.call("GET", `/groups/${group.id}`)).json();
  assert.deepEqual(lee.members.map((m: { patientId: string }) => m.patientId), [source.id]);
  const both = await (await s.call("GET", `/groups/${other.id}`)).json();
  assert.deepEqual(
    both.members.map((m: { patientId: string }) => m.patientId).sort(),
    [source.id, target.id].sort(),
  );
  assert.equal((await s.call("POST", `/patients/${source.id}/unmerge`)).status, 409);
});

Deno.test("unmerge() refuses once a patient changed since the merge", async () => {
  await using s = await system();
  const target = await s.create("Ann Lee", "ann@example.com");
  const source = await s.create("Anne Lee", "anne@example.com");
  await s.call("POST", `/patients/${target.id}/merge`, { sourceId: source.id, reason: "dup" });
  const changed = await s.call("PUT", `/patients/${target.id}`, {
    name: "Ann B. Lee",
    email: "ann@example.com",
    address: "1 Main St",
    dateOfBirth: "1980-01-01",
  });
  assert.equal(changed.status, 200);
  const res = await s.call("POST", `/patients/${source.id}/unmerge`);
  assert.equal(res.status, 409);
  assert.deepEqual(await res.json(), { message: "Patient changed since the merge" });
});

Deno.test("dismiss() keeps a pair out of both patients' duplicates", async () => {
  await using s = await system();
  const a = await s.create("Ann Lee", "ann@example.com");
  const b = await s.create("Ann Lee", "ann.lee@example.com");
  const ids = async (id: string) =>
    (await (await s.call("GET", `/patients/${id}/duplicates`)).json()).map(
      (d: { patient: { id: string } }) => d.patient.id,
    );
  assert.deepEqual(await ids(a.id), [b.id]);
  const res = await s.call("POST", `/patients/${b.id}/duplicates/${a.id}/dismiss`);
  assert.equal(res.status, 204);
  assert.deepEqual(await ids(a.id), []);
  assert.deepEqual(await ids(b.id), []);
  const unknown = await s.call(
    "POST",
    `/patients/${a.id}/duplicates/${crypto.randomUUID()}/dismiss`,
  );
  assert.equal(unknown.status, 404);
});

Deno.test("unmerge() is refused while the target is restricted to others", async () => {
  await using s = await system();
  const target = await s.create("Ann Lee", "ann@example.com");
  const source = await s.create("Anne Lee", "anne@example.com");
  const merged = await s.call("POST", `/patients/${target.id}/merge`, {
    sourceId: source.id,
    reason: "same person",
  });
  assert.equal(merged.status, 200, await merged.text());
  const restricted = await s.call("PUT", `/patients/${target.id}/restriction`, {
    allowedUserIds: [crypto.randomUUID()],
    reason: "VIP",
  });
  assert.equal(restricted.status, 200, await restricted.text());

  const refused = await s.call("POST", `/patients/${source.id}/unmerge`);
  assert.equal(refused.status, 403);
  assert.deepEqual(await refused.json(), { message: "Record is restricted", breakGlass: true });
  const [row] = await s.sql`select merged_into from patients where id = ${source.id}`;
  assert.equal(row?.merged_into, target.id, "a refused unmerge changes nothing");

  assert.equal((await s.call("DELETE", `/patients/${target.id}/restriction`)).status, 204);
  assert.equal((await s.call("POST", `/patients/${source.id}/unmerge`)).status, 200);
});

Deno.test("a preview answers the patient as a merge does; ids are matched in any case", async () => {
  await using s = await system();
  const target = await s.create("Ann Lee", "ann@example.com");
  const source = await s.create("Anne Lee", "anne@example.com");
  const upper = (id: string) => id.toUpperCase();

  const self = await s.call("POST", `/patients/${target.id}/merge`, {
    sourceId: upper(target.id),
    reason: "same",
  });
  assert.equal(self.status, 400);
  assert.deepEqual(await self.json(), { sourceId: "Cannot merge a patient with itself" });

  const body = { sourceId: upper(source.id), reason: "same person" };
  const preview = await s.call("POST", `/patients/${upper(target.id)}/merge?preview=true`, body);
  assert.equal(preview.status, 200);
  const previewed = await preview.json();
  assert.equal(previewed.sourceId, source.id);
  const merge = await s.call("POST", `/patients/${upper(target.id)}/merge`, body);
  assert.equal(merge.status, 200);
  const merged = await merge.json();
  assert.deepEqual(Object.keys(previewed.patient), Object.keys(merged.patient));
  assert.deepEqual(
    { ...previewed.patient, updatedAt: undefined },
    { ...merged.patient, updatedAt: undefined },
  );

  const undo = await s.call("POST", `/patients/${upper(source.id)}/unmerge`);
  assert.equal(undo.status, 200);
  assert.equal((await undo.json()).patient.id, source.id);

  const dismissed = await s.call(
    "POST",
    `/patients/${upper(target.id)}/duplicates/${source.id}/dismiss`,
  );
  assert.equal(dismissed.status, 204);
  const twice = await s.call(
    "POST",
    `/patients/${target.id}/duplicates/${upper(target.id)}/dismiss`,
  );
  assert.equal(twice.status, 400);
  await twice.body?.cancel();
});
