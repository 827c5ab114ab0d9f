import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "@pms/http";
import { mountPatientData, type PatientDataRoutesDeps } from "@pms/patient_access";
import type { ClinicalService } from "./domain/clinical_service.ts";
import { fhirRoutes } from "./fhir/fhir_routes.ts";
import { encounterRoutes } from "./routes/encounters.ts";
import { noteRoutes } from "./routes/notes.ts";
import { observationRoutes } from "./routes/observations.ts";

/** What the clinical routes need. */
export type ClinicalRoutesDeps = PatientDataRoutesDeps<ClinicalService> & {
  /** `BILLING_CURRENCY`: an encounter's charges in another currency are refused (`400`). */
  currency: string;
};

/**
 * Mounts `/encounters`, `/observations` and `/notes` (token and body limit required; nothing
 * stored by caches), and the FHIR `Encounter` and `Observation` read and search at `/fhir/R4`.
 * A restricted patient's encounters, observations and notes are refused, and masked in lists; a
 * change to an encounter or note is refused before it is made (its patient is looked up first).
 */
export function mountClinicalRoutes(app: OpenAPIHono<AppEnv>, deps: ClinicalRoutesDeps): void {
  const { service } = deps;
  mountPatientData(app, deps, {
    resources: {
      "/encounters": encounterRoutes(deps),
      "/observations": observationRoutes(deps),
      "/notes": noteRoutes(deps),
    },
    recordPatient: (resource, id) =>
      resource === "encounters" || resource === "notes"
        ? service.patientOfRecord(resource, id)
        : undefined,
    fhir: fhirRoutes,
    fhirDocument: {
      name: "clinical-fhir",
      title: "Clinical Service FHIR R4 API",
      description: "Encounters and vital-sign observations as HL7 FHIR R4 resources " +
        "(`application/fhir+json`), read and search only; every error is an OperationOutcome.",
    },
  });
}
