import type { OpenAPIHono } from "@hono/zod-openapi";
import {
  type AppEnv,
  bodyLimit,
  type IdempotencyStore,
  jwtAuth,
  noStore,
  requireJson,
} from "@pms/http";
import type { VerifyToken } from "@pms/service";
import type { PatientService } from "./domain/patient_service.ts";
import { type PagingOptions, patientRoutes } from "./routes/patients.ts";

/** What the patient routes need. */
export interface PatientRoutesDeps {
  service: PatientService;
  /** Idempotency-Key storage for the creating POST. */
  keys: IdempotencyStore;
  /** Verifies bearer tokens: this service checks them itself, not only the gateway. */
  verify: VerifyToken;
  paging: PagingOptions;
  maxBodyBytes: number;
}

/**
 * Mounts `/patients` (token, body limit and JSON content type required; patient data never
 * stored by caches) on the service app.
 */
export function mountPatientRoutes(app: OpenAPIHono<AppEnv>, deps: PatientRoutesDeps): void {
  const guards = [
    noStore(),
    jwtAuth({ verify: deps.verify }),
    bodyLimit({ maxBytes: deps.maxBodyBytes }),
    requireJson(),
  ];
  app.use("/patients", ...guards);
  app.use("/patients/*", ...guards);
  app.route("/patients", patientRoutes(deps.service, deps.paging, deps.keys));
}
