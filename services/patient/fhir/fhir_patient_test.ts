import assert from "node:assert/strict";
import { fhirProblems } from "@pms/testing/fhir";
import type { PatientRecord } from "../domain/patient_record.ts";
import { fromFhirPatient, REGISTERED_DATE_URL, toFhirPatient } from "./fhir_patient.ts";

const JOHN: PatientRecord = {
  id: "123e4567-e89b-12d3-a456-426614174000",
  name: "John Ronald Doe",
  email: "john.doe@example.com",
  address: "123 Main St, Springfield",
  dateOfBirth: "1985-06-15",
  registeredDate: "2024-01-10",
  version: 3,
  updatedAt: "2024-02-01T10:00:00.000Z",
};
const TODAY = "2026-01-15";

/** A valid body, as a FHIR client writes it. */
function body(more: Record<string, unknown> = {}) {
  return {
    resourceType: "Patient",
    name: [{ text: "Ada Lovelace" }],
    telecom: [{ system: "email", value: "ada@example.com" }],
    address: [{ text: "12 St James's Square" }],
    birthDate: "1985-12-10",
    ...more,
  };
}

Deno.test("toFhirPatient() maps a record onto a Patient both validators accept", () => {
  const patient = toFhirPatient(JOHN);
  assert.deepEqual(patient, {
    resourceType: "Patient",
    id: JOHN.id,
    meta: { versionId: "3", lastUpdated: "2024-02-01T10:00:00.000Z" },
    extension: [{ url: REGISTERED_DATE_URL, valueDate: "2024-01-10" }],
    active: true,
    name: [{
      use: "official",
      text: "John Ronald Doe",
      family: "Doe",
      given: ["John", "Ronald"],
    }],
    telecom: [{ system: "email", value: "john.doe@example.com" }],
    address: [{ text: "123 Main St, Springfield" }],
    birthDate: "1985-06-15",
  });
  assert.deepEqual(fhirProblems(patient), []);
});

Deno.test("toFhirPatient() gives a one-word name as the family name and no given names", () => {
  const patient = toFhirPatient({ ...JOHN, name: "Cher" });
  assert.deepEqual(patient.name, [{ use: "official", text: "Cher", family: "Cher" }]);
  assert.deepEqual(fhirProblems(patient), []);
});

Deno.test("fromFhirPatient() reads what toFhirPatient() writes back into the same record", () => {
  const result = fromFhirPatient(toFhirPatient(JOHN), TODAY);
  assert.ok(result.ok);
  assert.deepEqual(result.fields, {
    name: JOHN.name,
    email: JOHN.email,
    address: JOHN.address,
    dateOfBirth: JOHN.dateOfBirth,
    registeredDate: JOHN.registeredDate,
  });
  assert.equal(result.id, JOHN.id);
});

Deno.test("fromFhirPatient() takes the name's text, else given + family; no extension is today", () => {
  const joined = fromFhirPatient(
    body({ name: [{ given: ["Ada", "King"], family: "Lovelace" }], meta: { versionId: "9" } }),
    TODAY,
  );
  assert.ok(joined.ok);
  assert.equal(joined.fields.name, "Ada King Lovelace");
  assert.equal(joined.fields.registeredDate, TODAY);
  const text = fromFhirPatient(
    body({ name: [{ use: "official", text: "Ada Lovelace", family: "Other" }] }),
    TODAY,
  );
  assert.ok(text.ok);
  assert.equal(text.fields.name, "Ada Lovelace");
});

Deno.test("fromFhirPatient() refuses elements a record cannot hold as not-supported", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ gender: "female" }, "Patient.gender"],
    [{ identifier: [{ value: "1" }] }, "Patient.identifier"],
    [{ _birthDate: { id: "x" } }, "Patient._birthDate"],
    [{ active: false }, "Patient.active"],
    [{ name: [{ text: "A B" }, { text: "C D" }] }, "Patient.name[1]"],
    [{ name: [{ text: "A B", prefix: ["Dr"] }] }, "Patient.name[0].prefix"],
    [{ name: [{ text: "A B", use: "nickname" }] }, "Patient.name[0].use"],
    [{ telecom: [{ system: "phone", value: "1" }] }, "Patient.telecom[0].system"],
    [
      { telecom: [{ system: "email", value: "a@b.com" }, { system: "email", value: "c@d.com" }] },
      "Patient.telecom[1]",
    ],
    [{ telecom: [{ system: "email", value: "a@b.com", use: "home" }] }, "Patient.telecom[0].use"],
    [{ address: [{ text: "x", city: "Paris" }] }, "Patient.address[0].city"],
    [{ extension: [{ url: "http://example.com/x", valueString: "y" }] }, "Patient.extension[0]"],
  ];
  for (const [more, expression] of cases) {
    const result = fromFhirPatient(body(more), TODAY);
    assert.ok(!result.ok, expression);
    assert.equal(result.issues[0]!.code, "not-supported", expression);
    assert.deepEqual(result.issues[0]!.expression, [expression]);
  }
});

Deno.test("fromFhirPatient() validates values with the REST messages and codes", () => {
  const cases: [unknown, string, string, string][] = [
    [body({ name: undefined }), "required", "Name is required", "Patient.name[0]"],
    [body({ telecom: undefined }), "required", "Email is required", "Patient.telecom[0].value"],
    [
      body({ telecom: [{ system: "email", value: "nope" }] }),
      "invalid",
      "Email should be valid",
      "Patient.telecom[0].value",
    ],
    [
      body({ birthDate: "1985" }),
      "invalid",
      "Date of birth must be a valid date (YYYY-MM-DD)",
      "Patient.birthDate",
    ],
    [
      body({ birthDate: "2999-01-01" }),
      "invalid",
      "Date of birth cannot be in the future",
      "Patient.birthDate",
    ],
    [
      body({ extension: [{ url: REGISTERED_DATE_URL, valueDate: "1900-01-01" }] }),
      "invalid",
      "Registered date cannot be before the date of birth",
      `Patient.extension('${REGISTERED_DATE_URL}').valueDate`,
    ],
    [
      body({ name: [{ text: "x".repeat(101) }] }),
      "invalid",
      "Name cannot exceed 100 characters",
      "Patient.name[0]",
    ],
    [
      body({ resourceType: "Observation" }),
      "invalid",
      "resourceType must be Patient",
      "Patient.resourceType",
    ],
    [
      body({ name: "Ada" }),
      "invalid",
      "Patient.name must be a non-empty array of objects",
      "Patient.name",
    ],
    [
      body({ birthDate: 1985 }),
      "invalid",
      "Patient.birthDate must be a string",
      "Patient.birthDate",
    ],
    [
      body({ nonsense: 1 }),
      "invalid",
      "Patient.nonsense is not an element of Patient",
      "Patient.nonsense",
    ],
    [[], "invalid", "Request body must be a FHIR Patient resource", "Patient"],
  ];
  for (const [input, code, message, expression] of cases) {
    const result = fromFhirPatient(input, TODAY);
    assert.ok(!result.ok, message);
    assert.deepEqual(result.issues[0], {
      severity: "error",
      code,
      diagnostics: message,
      expression: [expression],
    });
  }
});
