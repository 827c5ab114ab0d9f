import assert from "node:assert/strict";
import { fhirProblems } from "@pms/testing/fhir";
import { capabilityStatement } from "./fhir_capability.ts";

Deno.test("capabilityStatement() declares the seven Patient interactions and the search parameters", () => {
  const statement = capabilityStatement("http://localhost:4004/fhir/R4", "2026-01-01T00:00:00Z");
  const rest = (statement.rest as { resource: Record<string, unknown>[] }[])[0]!;
  const patient = rest.resource[0]!;
  assert.equal(statement.fhirVersion, "4.0.1");
  assert.equal(statement.kind, "instance");
  assert.deepEqual(statement.format, ["json"]);
  assert.deepEqual(
    (patient.interaction as { code: string }[]).map((i) => i.code).toSorted(),
    ["create", "delete", "history-instance", "read", "search-type", "update", "vread"],
  );
  assert.equal(patient.versioning, "versioned");
  assert.equal(patient.updateCreate, false);
  assert.deepEqual(
    Object.fromEntries(
      (patient.searchParam as { name: string; type: string }[]).map((p) => [p.name, p.type]),
    ),
    {
      name: "string",
      family: "string",
      given: "string",
      birthdate: "date",
      email: "token",
      _id: "token",
      _count: "number",
      _sort: "string",
    },
  );
  // Operations where they are served: `$everything` on Patient, `$export` at the system level
  // and on Group (there is no `Patient/$export`).
  const names = (owner: Record<string, unknown>) =>
    ((owner.operation ?? []) as { name: string }[]).map((o) => o.name);
  assert.deepEqual(names(patient), ["everything"]);
  assert.deepEqual(names(rest as unknown as Record<string, unknown>), ["export"]);
  const group = rest.resource.find((r) => r.type === "Group")!;
  assert.deepEqual(names(group), ["export"]);
  assert.deepEqual(fhirProblems(statement), []);
});
