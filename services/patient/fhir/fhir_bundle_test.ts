import assert from "node:assert/strict";
import { fhirProblems } from "@pms/testing/fhir";
import type { PatientRecord } from "../domain/patient_record.ts";
import type { PatientVersion } from "../store/patient_version_store.ts";
import { historyBundle, searchBundle } from "./fhir_bundle.ts";

const BASE = "http://localhost:4004/fhir/R4";
const ID = "123e4567-e89b-12d3-a456-426614174000";

function record(version: number, name = "John Doe"): PatientRecord {
  return {
    id: ID,
    name,
    email: "john.doe@example.com",
    address: "123 Main St",
    dateOfBirth: "1985-06-15",
    registeredDate: "2024-01-10",
    version,
    updatedAt: `2024-02-0${version}T10:00:00.000Z`,
  };
}

const urlAt = (offset: number) => `${BASE}/Patient?name=jo&_count=2&_offset=${offset}`;

Deno.test("searchBundle() makes a searchset with total, fullUrls and self/next/previous links", () => {
  const bundle = searchBundle(BASE, [record(1)], { offset: 2, count: 2, total: 7, urlAt });
  assert.equal(bundle.type, "searchset");
  assert.equal(bundle.total, 7);
  assert.deepEqual(bundle.link, [
    { relation: "self", url: urlAt(2) },
    { relation: "next", url: urlAt(4) },
    { relation: "previous", url: urlAt(0) },
  ]);
  assert.equal(bundle.entry?.[0]?.fullUrl, `${BASE}/Patient/${ID}`);
  assert.deepEqual(bundle.entry?.[0]?.search, { mode: "match" });
  assert.deepEqual(fhirProblems(bundle), []);
});

Deno.test("searchBundle() of the last page has no next, of nothing no entry", () => {
  const last = searchBundle(BASE, [record(1)], { offset: 6, count: 2, total: 7, urlAt });
  assert.deepEqual(last.link.map((l) => l.relation), ["self", "previous"]);
  const none = searchBundle(BASE, [], { offset: 0, count: 2, total: 0, urlAt });
  assert.deepEqual(none.link.map((l) => l.relation), ["self"]);
  assert.equal(none.entry, undefined);
  assert.deepEqual(fhirProblems(none), []);
});

Deno.test("historyBundle() lists versions with request and response; a deletion has no resource", () => {
  const versions: PatientVersion[] = [
    { version: 4, changedAt: "2024-02-04T10:00:00.000Z", change: "RESTORED", patient: record(4) },
    { version: 3, changedAt: "2024-02-03T10:00:00.000Z", change: "DELETED", patient: record(3) },
    { version: 2, changedAt: "2024-02-02T10:00:00.000Z", change: "UPDATED", patient: record(2) },
    { version: 1, changedAt: "2024-02-01T10:00:00.000Z", change: "CREATED", patient: record(1) },
  ];
  const bundle = historyBundle(BASE, ID, versions, {
    offset: 0,
    count: 50,
    total: 4,
    urlAt: (offset) => `${BASE}/Patient/${ID}/_history?_count=50&_offset=${offset}`,
  });
  assert.equal(bundle.type, "history");
  assert.deepEqual(bundle.entry?.map((e) => [e.request?.method, e.response?.status]), [
    ["PUT", "200 OK"],
    ["DELETE", "204 No Content"],
    ["PUT", "200 OK"],
    ["POST", "201 Created"],
  ]);
  assert.deepEqual(bundle.entry?.map((e) => e.request?.url), [
    `Patient/${ID}`,
    `Patient/${ID}`,
    `Patient/${ID}`,
    "Patient",
  ]);
  assert.equal(bundle.entry?.[1]?.resource, undefined);
  assert.equal(bundle.entry?.[2]?.resource?.meta.versionId, "2");
  assert.equal(bundle.entry?.[2]?.response?.etag, 'W/"2"');
  assert.deepEqual(fhirProblems(bundle), []);
});
