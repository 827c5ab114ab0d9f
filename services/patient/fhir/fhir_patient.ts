import type { OutcomeIssue } from "@pms/http";
import type { NewPatient, PatientRecord } from "../domain/patient_record.ts";
import { CreatePatient } from "../domain/patient_schema.ts";

/** The extension that carries `registeredDate` (this project's own StructureDefinition URL). */
export const REGISTERED_DATE_URL =
  "https://patient-management.local/fhir/StructureDefinition/registered-date";

/** A FHIR R4 Patient as this facade writes it: exactly the elements a patient record holds. */
export interface FhirPatient {
  resourceType: "Patient";
  id: string;
  meta: { versionId: string; lastUpdated: string };
  extension: { url: string; valueDate: string }[];
  active: boolean;
  /** A merge's links: the source is `replaced-by` its target, the target `replaces` the source. */
  link?: { other: { reference: string }; type: "replaced-by" | "replaces" }[];
  name: { use: "official"; text: string; family: string; given?: string[] }[];
  telecom: { system: "email"; value: string }[];
  address: { text: string }[];
  birthDate: string;
}

/** A patient record as a FHIR Patient (the contract's mapping). */
export function toFhirPatient(patient: PatientRecord): FhirPatient {
  const words = patient.name.trim().split(/\s+/);
  const family = words.at(-1) ?? patient.name;
  const given = words.slice(0, -1);
  return {
    resourceType: "Patient",
    id: patient.id,
    meta: { versionId: String(patient.version), lastUpdated: patient.updatedAt },
    extension: [{ url: REGISTERED_DATE_URL, valueDate: patient.registeredDate }],
    active: true,
    name: [{
      use: "official",
      text: patient.name,
      family,
      ...(given.length > 0 && { given }),
    }],
    telecom: [{ system: "email", value: patient.email }],
    address: [{ text: patient.address }],
    birthDate: patient.dateOfBirth,
  };
}

/**
 * A Patient with its merge links: a merged source is inactive and `replaced-by` its target; a
 * target `replaces` each source merged into it.
 */
export function withMergeLinks(
  patient: FhirPatient,
  links: { mergedInto: string | null; replaces: string[] },
): FhirPatient {
  const link = [
    ...(links.mergedInto
      ? [{ other: { reference: `Patient/${links.mergedInto}` }, type: "replaced-by" as const }]
      : []),
    ...links.replaces.map((id) => ({
      other: { reference: `Patient/${id}` },
      type: "replaces" as const,
    })),
  ];
  if (link.length === 0) return patient;
  return { ...patient, active: links.mergedInto === null, link };
}

/** What a written FHIR Patient gives: the record's fields and the `id` it carried, if any. */
export type FhirPatientInput =
  | { ok: true; fields: NewPatient; id: unknown }
  | { ok: false; issues: OutcomeIssue[] };

/** Where each record field lives in a Patient (FHIRPath), for issues about its value. */
export const FIELD_EXPRESSIONS: Record<string, string> = {
  name: "Patient.name[0]",
  email: "Patient.telecom[0].value",
  address: "Patient.address[0].text",
  dateOfBirth: "Patient.birthDate",
  registeredDate: `Patient.extension('${REGISTERED_DATE_URL}').valueDate`,
  body: "Patient",
};

// Elements of an R4 Patient that a record cannot hold: refused, never dropped.
const UNSTORABLE = new Set([
  "implicitRules",
  "language",
  "contained",
  "modifierExtension",
  "identifier",
  "gender",
  "deceasedBoolean",
  "deceasedDateTime",
  "maritalStatus",
  "multipleBirthBoolean",
  "multipleBirthInteger",
  "photo",
  "contact",
  "communication",
  "generalPractitioner",
  "managingOrganization",
  "link",
]);

const issue = (
  code: "invalid" | "required" | "not-supported",
  diagnostics: string,
  expression: string,
): OutcomeIssue => ({ severity: "error", code, diagnostics, expression: [expression] });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads the elements of one object against what it may hold; the rest are issues. */
function elements(
  value: Record<string, unknown>,
  path: string,
  allowed: string[],
  issues: OutcomeIssue[],
): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    issues.push(issue("not-supported", `${path}.${key} cannot be stored`, `${path}.${key}`));
  }
}

/** An array element's items, or an issue when it is not a non-empty array of objects. */
function objects(
  value: unknown,
  path: string,
  issues: OutcomeIssue[],
): Record<string, unknown>[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isObject)) {
    issues.push(issue("invalid", `${path} must be a non-empty array of objects`, path));
    return [];
  }
  return value;
}

/** A string element, or undefined (with an issue when present but not a string). */
function text(value: unknown, path: string, issues: OutcomeIssue[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  issues.push(issue("invalid", `${path} must be a string`, path));
  return undefined;
}

function readName(value: unknown, issues: OutcomeIssue[]): string | undefined {
  const names = objects(value, "Patient.name", issues);
  if (names.length > 1) {
    issues.push(issue("not-supported", "Only one name can be stored", "Patient.name[1]"));
  }
  const name = names[0];
  if (!name) return undefined;
  const path = "Patient.name[0]";
  elements(name, path, ["use", "text", "family", "given"], issues);
  if (name.use !== undefined && name.use !== "official") {
    issues.push(issue("not-supported", `Only the official name can be stored`, `${path}.use`));
  }
  const full = text(name.text, `${path}.text`, issues);
  const family = text(name.family, `${path}.family`, issues);
  let given: string[] = [];
  if (name.given !== undefined) {
    if (Array.isArray(name.given) && name.given.every((g) => typeof g === "string")) {
      given = name.given;
    } else {
      issues.push(issue("invalid", `${path}.given must be an array of strings`, `${path}.given`));
    }
  }
  // The text wins; else the given names and the family name, in that order.
  if (full !== undefined && full.trim() !== "") return full;
  const parts = [...given, family ?? ""].map((part) => part.trim()).filter(Boolean);
  return parts.length > 0 ? parts.join(" ") : full;
}

function readEmail(value: unknown, issues: OutcomeIssue[]): string | undefined {
  const points = objects(value, "Patient.telecom", issues);
  let email: string | undefined;
  points.forEach((point, i) => {
    const path = `Patient.telecom[${i}]`;
    elements(point, path, ["system", "value"], issues);
    if (point.system !== "email") {
      issues.push(issue("not-supported", "Only an email can be stored", `${path}.system`));
      return;
    }
    if (email !== undefined) {
      issues.push(issue("not-supported", "Only one email can be stored", path));
      return;
    }
    email = text(point.value, `${path}.value`, issues) ?? "";
  });
  return email;
}

function readAddress(value: unknown, issues: OutcomeIssue[]): string | undefined {
  const addresses = objects(value, "Patient.address", issues);
  if (addresses.length > 1) {
    issues.push(issue("not-supported", "Only one address can be stored", "Patient.address[1]"));
  }
  const address = addresses[0];
  if (!address) return undefined;
  elements(address, "Patient.address[0]", ["text"], issues);
  return text(address.text, "Patient.address[0].text", issues);
}

function readRegisteredDate(value: unknown, issues: OutcomeIssue[]): string | undefined {
  const extensions = objects(value, "Patient.extension", issues);
  let date: string | undefined;
  extensions.forEach((extension, i) => {
    const path = `Patient.extension[${i}]`;
    if (extension.url !== REGISTERED_DATE_URL) {
      issues.push(
        issue("not-supported", `Extension ${String(extension.url)} cannot be stored`, path),
      );
      return;
    }
    elements(extension, path, ["url", "valueDate"], issues);
    if (date !== undefined) {
      issues.push(issue("invalid", "The registered date is given twice", path));
      return;
    }
    date = text(extension.valueDate, `${path}.valueDate`, issues) ?? "";
  });
  return date;
}

/**
 * A Patient written by a client (create or update) as a record's fields, or the issues that
 * refuse it (`400`): elements a record cannot hold (`gender`, `identifier`, a second name or
 * email, a phone, address lines, other extensions, …) are `not-supported`, never dropped; `meta`
 * and `text` are ignored; values are validated as the REST API does, with its messages. The name
 * is `name[0].text`, else the given names and the family name; the registered date is the
 * extension's `valueDate`, else `today`.
 */
export function fromFhirPatient(body: unknown, today: string): FhirPatientInput {
  const issues: OutcomeIssue[] = [];
  if (!isObject(body)) {
    return {
      ok: false,
      issues: [issue("invalid", "Request body must be a FHIR Patient resource", "Patient")],
    };
  }
  if (body.resourceType !== "Patient") {
    issues.push(issue("invalid", "resourceType must be Patient", "Patient.resourceType"));
  }
  const found: Partial<Record<keyof NewPatient, string>> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    switch (key) {
      case "resourceType":
      case "id":
      case "meta":
      case "text":
        break;
      case "active":
        if (value !== true) {
          issues.push(
            issue("not-supported", "Only active patients can be stored", "Patient.active"),
          );
        }
        break;
      case "name":
        found.name = readName(value, issues);
        break;
      case "telecom":
        found.email = readEmail(value, issues);
        break;
      case "address":
        found.address = readAddress(value, issues);
        break;
      case "birthDate":
        found.dateOfBirth = text(value, "Patient.birthDate", issues);
        break;
      case "extension":
        found.registeredDate = readRegisteredDate(value, issues);
        break;
      default:
        issues.push(
          UNSTORABLE.has(key) || key.startsWith("_")
            ? issue("not-supported", `Patient.${key} cannot be stored`, `Patient.${key}`)
            : issue("invalid", `Patient.${key} is not an element of Patient`, `Patient.${key}`),
        );
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  const candidate = Object.fromEntries(
    Object.entries({ ...found, registeredDate: found.registeredDate ?? today })
      .filter(([, value]) => value !== undefined),
  );
  const parsed = CreatePatient.safeParse(candidate);
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const problem of parsed.error.issues) {
      const field = String(problem.path[0] ?? "body");
      if (seen.has(field)) continue;
      seen.add(field);
      const code = /\bis required$/.test(problem.message) ? "required" : "invalid";
      issues.push(issue(code, problem.message, FIELD_EXPRESSIONS[field] ?? "Patient"));
    }
    return { ok: false, issues };
  }
  const { id: _id, ...fields } = parsed.data;
  return { ok: true, fields, id: body.id };
}
