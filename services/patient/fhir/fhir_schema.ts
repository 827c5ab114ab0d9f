/**
 * The FHIR facade's bodies as OpenAPI schemas (documentation: the bodies themselves are built
 * and checked by `fhir_patient.ts`, `fhir_bundle.ts` and the FHIR validators in the tests).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { REGISTERED_DATE_URL } from "./fhir_patient.ts";

const EXAMPLE_PATIENT = {
  resourceType: "Patient",
  id: "123e4567-e89b-12d3-a456-426614174000",
  meta: { versionId: "1", lastUpdated: "2024-01-10T09:30:00.000Z" },
  extension: [{ url: REGISTERED_DATE_URL, valueDate: "2024-01-10" }],
  active: true,
  name: [{ use: "official", text: "John Doe", family: "Doe", given: ["John"] }],
  telecom: [{ system: "email", value: "john.doe@example.com" }],
  address: [{ text: "123 Main St, Springfield" }],
  birthDate: "1985-06-15",
};

/** A FHIR R4 Patient as the facade reads and writes it. */
export const FhirPatientSchema = z.object({
  resourceType: z.literal("Patient"),
  id: z.string(),
  meta: z.object({ versionId: z.string(), lastUpdated: z.string() }),
  extension: z.array(z.object({ url: z.string(), valueDate: z.string() })).openapi({
    description: `The registered date: url \`${REGISTERED_DATE_URL}\`, \`valueDate\``,
  }),
  active: z.boolean().openapi({ description: "false for a patient merged into another" }),
  link: z.array(z.object({
    other: z.object({ reference: z.string() }),
    type: z.enum(["replaced-by", "replaces"]),
  })).optional().openapi({ description: "Merges: `replaced-by` the target, `replaces` a source" }),
  name: z.array(z.object({
    use: z.literal("official"),
    text: z.string(),
    family: z.string().openapi({ description: "The name's last word" }),
    given: z.array(z.string()).optional().openapi({ description: "The words before it" }),
  })),
  telecom: z.array(z.object({ system: z.literal("email"), value: z.string() })),
  address: z.array(z.object({ text: z.string() })),
  birthDate: z.string().openapi({ format: "date" }),
}).openapi("FhirPatient", { example: EXAMPLE_PATIENT });

/**
 * The body of a create or an update: a Patient (`application/fhir+json` or `application/json`).
 * Checked by the handler, so that every refusal is an OperationOutcome naming the element.
 */
export const FhirPatientBody = z.record(z.string(), z.unknown()).openapi("FhirPatientInput", {
  description: "A FHIR R4 Patient: `name[0].text` (else `given` + `family`), one `telecom` " +
    "email, `address[0].text`, `birthDate`, and optionally the registered-date extension " +
    "(else today). `id` is ignored on create and must equal the path on update; `meta` and " +
    "`text` are ignored; any other element (`gender`, `identifier`, …) is refused with 400 " +
    "not-supported.",
  example: {
    resourceType: "Patient",
    name: [{ given: ["Ada"], family: "Lovelace" }],
    telecom: [{ system: "email", value: "ada.lovelace@example.com" }],
    address: [{ text: "12 St James's Square, London" }],
    birthDate: "1985-12-10",
  },
});

/** An OperationOutcome: every error of the facade. */
export const OperationOutcomeSchema = z.object({
  resourceType: z.literal("OperationOutcome"),
  issue: z.array(z.object({
    severity: z.literal("error"),
    code: z.string().openapi({
      description: "400 invalid, required or not-supported; 401 login; 403 forbidden; 404 " +
        "not-found; 409 duplicate; 410 deleted; 412 conflict; 415 not-supported; 5xx exception",
    }),
    diagnostics: z.string(),
    expression: z.array(z.string()).optional(),
  })),
}).openapi("OperationOutcome", {
  example: {
    resourceType: "OperationOutcome",
    issue: [{ severity: "error", code: "not-found", diagnostics: "Patient not found" }],
  },
});

/** A searchset or history Bundle of patients. */
export const BundleSchema = z.object({
  resourceType: z.literal("Bundle"),
  type: z.enum(["searchset", "history"]),
  total: z.number().int(),
  link: z.array(z.object({ relation: z.enum(["self", "next", "previous"]), url: z.string() })),
  entry: z.array(z.object({
    fullUrl: z.string(),
    resource: FhirPatientSchema.optional(),
    search: z.object({ mode: z.literal("match") }).optional(),
    request: z.object({ method: z.enum(["POST", "PUT", "DELETE"]), url: z.string() }).optional(),
    response: z.object({ status: z.string(), etag: z.string(), lastModified: z.string() })
      .optional(),
  })).optional(),
}).openapi("Bundle");

/** The CapabilityStatement of `GET /metadata`. */
export const CapabilityStatementSchema = z.looseObject({
  resourceType: z.literal("CapabilityStatement"),
  status: z.literal("active"),
  kind: z.literal("instance"),
  fhirVersion: z.literal("4.0.1"),
  format: z.array(z.string()),
}).openapi("CapabilityStatement");
