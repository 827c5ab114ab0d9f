import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { type AppEnv, bodyLimit, type IdempotencyStore, jwtAuth, noStore } from "@pms/http";
import type { Logger } from "@pms/log";
import type { VerifyToken } from "@pms/service";
import type { ClinicalService } from "./domain/clinical_service.ts";
import { fhirRoutes } from "./fhir/fhir_routes.ts";
import { encounterRoutes } from "./routes/encounters.ts";
import { noteRoutes } from "./routes/notes.ts";
import { observationRoutes } from "./routes/observations.ts";

/** What the clinical routes need. */
export interface ClinicalRoutesDeps {
  service: ClinicalService;
  /** Idempotency-Key storage for the creating POSTs. */
  keys: IdempotencyStore;
  verify: VerifyToken;
  paging: { defaultSize: number; maxSize: number };
  maxBodyBytes: number;
  /** `FHIR_BASE_URL`. */
  fhirBaseUrl: string;
  logger: Logger;
}

/**
 * Mounts `/encounters`, `/observations` and `/notes` (token and body limit required; nothing
 * stored by caches), and the FHIR `Encounter` and `Observation` read and search at `/fhir/R4`.
 */
export function mountClinicalRoutes(app: OpenAPIHono<AppEnv>, deps: ClinicalRoutesDeps): void {
  const guards = [
    noStore(),
    jwtAuth({ verify: deps.verify }),
    bodyLimit({ maxBytes: deps.maxBodyBytes }),
  ];
  for (const resource of ["/encounters", "/observations", "/notes"]) {
    app.use(resource, ...guards);
    app.use(`${resource}/*`, ...guards);
  }
  app.route("/encounters", encounterRoutes(deps.service, deps.keys, deps.paging));
  app.route("/observations", observationRoutes(deps.service, deps.paging));
  app.route("/notes", noteRoutes(deps.service, deps.paging));
  const fhir = fhirRoutes({
    service: deps.service,
    verify: deps.verify,
    baseUrl: deps.fhirBaseUrl,
    paging: deps.paging,
    logger: deps.logger,
  });
  // Mounted through a plain Hono app, so that its paths stay out of the REST document.
  app.route("/fhir/R4", new Hono<AppEnv>().route("/", fhir));
}
