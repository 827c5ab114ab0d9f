import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { type AppEnv, guardResources } from "@pms/http";
import { type PatientDataRoutesDeps, restrictedRecords } from "@pms/patient_access";
import type { ClinicalService } from "./domain/clinical_service.ts";
import { fhirRoutes } from "./fhir/fhir_routes.ts";
import { encounterRoutes } from "./routes/encounters.ts";
import { noteRoutes } from "./routes/notes.ts";
import { observationRoutes } from "./routes/observations.ts";

/** What the clinical routes need. */
export type ClinicalRoutesDeps = PatientDataRoutesDeps<ClinicalService>;

/**
 * Mounts `/encounters`, `/observations` and `/notes` (token and body limit required; nothing
 * stored by caches), and the FHIR `Encounter` and `Observation` read and search at `/fhir/R4`.
 */
export function mountClinicalRoutes(app: OpenAPIHono<AppEnv>, deps: ClinicalRoutesDeps): void {
  // A restricted patient's encounters, observations and notes are refused, and masked in lists;
  // a change to one is refused before it is made (its patient is looked up first).
  const restricted = restrictedRecords({
    access: deps.access,
    recordPatient(c) {
      const [, resource, id] = c.req.path.split("/");
      if (c.req.method === "GET" || !id) return Promise.resolve(undefined);
      return resource === "encounters" || resource === "notes"
        ? deps.service.patientOfRecord(resource, id)
        : Promise.resolve(undefined);
    },
  });
  guardResources(app, ["/encounters", "/observations", "/notes"], deps, restricted);
  app.route("/encounters", encounterRoutes(deps.service, deps.keys, deps.paging));
  app.route("/observations", observationRoutes(deps.service, deps.paging));
  app.route("/notes", noteRoutes(deps.service, deps.paging));
  const fhir = fhirRoutes({
    service: deps.service,
    verify: deps.verify,
    baseUrl: deps.fhirBaseUrl,
    paging: deps.paging,
    logger: deps.logger,
    guards: [restricted],
  });
  // Mounted through a plain Hono app, so that its paths stay out of the REST document.
  app.route("/fhir/R4", new Hono<AppEnv>().route("/", fhir));
}
