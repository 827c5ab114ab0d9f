import assert from "node:assert/strict";
import { maskRestricted } from "./mask_restricted.ts";

const a = "0b6a6f43-3c2e-4c36-9a53-4f1f7d8e2a10";
const b = "1c7b7054-4d3f-4d47-8b64-5a2a8e9f3b21";

Deno.test("maskRestricted() masks records of hidden patients inside lists", () => {
  const body = [
    { id: "x1", patientId: a, start: "2030-01-01T09:00:00Z" },
    { id: "x2", patientId: b, start: "2030-01-01T10:00:00Z" },
  ];
  const answer = maskRestricted(body);
  assert.deepEqual(answer.patientIds.sort(), [a, b].sort());
  assert.deepEqual(answer.apply(new Set([b])), {
    refused: false,
    body: [body[0], { id: "x2", restricted: true }],
  });
  assert.deepEqual(answer.apply(new Set()), { refused: false });
});

Deno.test("maskRestricted() refuses an answer whose subject is a hidden patient's record", () => {
  const answer = maskRestricted({ id: "x1", patientId: a, notes: [{ text: "..." }] });
  assert.deepEqual(answer.apply(new Set([a])), { refused: true });
});

Deno.test("maskRestricted() masks a group's member without an id by its patientId", () => {
  const answer = maskRestricted({ id: "g", members: [{ patientId: a, name: "N" }] });
  assert.deepEqual(answer.apply(new Set([a])).body, {
    id: "g",
    members: [{ patientId: a, restricted: true }],
  });
});

Deno.test("maskRestricted() masks a list entry wrapping a hidden patient, reasons and all", () => {
  const entries = [{ patient: { id: a, name: "N" }, score: 1, reasons: ["SAME_NAME"] }];
  const answer = maskRestricted(entries, (record) => {
    const wrapped = "reasons" in record ? record.patient as { id: string } : undefined;
    return wrapped?.id;
  });
  assert.deepEqual(answer.apply(new Set([a])).body, [{ patient: { id: a, restricted: true } }]);
});

Deno.test("maskRestricted() masks FHIR resources of a Bundle with the R confidentiality code", () => {
  const bundle = {
    resourceType: "Bundle",
    entry: [
      { fullUrl: "p", resource: { resourceType: "Patient", id: a, name: [{ family: "F" }] } },
      {
        resource: {
          resourceType: "Appointment",
          id: "ap",
          participant: [{ actor: { reference: `Patient/${b}` } }],
        },
      },
      { resource: { resourceType: "Encounter", id: "e", subject: { reference: `Patient/${a}` } } },
    ],
  };
  const answer = maskRestricted(bundle);
  assert.deepEqual(answer.patientIds.sort(), [a, b].sort());
  const meta = {
    security: [{
      system: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
      code: "R",
      display: "restricted",
    }],
  };
  assert.deepEqual(answer.apply(new Set([a])).body, {
    resourceType: "Bundle",
    entry: [
      { fullUrl: "p", resource: { resourceType: "Patient", id: a, meta } },
      bundle.entry[1],
      { resource: { resourceType: "Encounter", id: "e", meta } },
    ],
  });
});
