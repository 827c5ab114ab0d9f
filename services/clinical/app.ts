import type { OpenAPIHono } from "@hono/zod-openapi";
import { type AppEnv, bodyLimit, type IdempotencyStore, jwtAuth, noStore } from "@pms/http";
import type { VerifyToken } from "@pms/service";
import type { ClinicalService } from "./domain/clinical_service.ts";
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
}

/**
 * Mounts `/encounters`, `/observations` and `/notes` (token and body limit required; nothing
 * stored by caches).
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
}
