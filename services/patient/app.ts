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
import type { GroupService } from "./domain/group_service.ts";
import type { PatientService } from "./domain/patient_service.ts";
import { groupRoutes, patientGroupRoutes } from "./routes/groups.ts";
import { type PagingOptions, patientRoutes } from "./routes/patients.ts";

/** What the patient routes need. */
export interface PatientRoutesDeps {
  service: PatientService;
  groups: GroupService;
  /** Idempotency-Key storage for the creating POSTs. */
  keys: IdempotencyStore;
  /** Verifies bearer tokens: this service checks them itself, not only the gateway. */
  verify: VerifyToken;
  paging: PagingOptions;
  maxBodyBytes: number;
}

/**
 * Mounts `/patients` and `/groups` (token, body limit and JSON content type required; patient
 * data never stored by caches) on the service app.
 */
export function mountPatientRoutes(app: OpenAPIHono<AppEnv>, deps: PatientRoutesDeps): void {
  const guards = [
    noStore(),
    jwtAuth({ verify: deps.verify }),
    bodyLimit({ maxBytes: deps.maxBodyBytes }),
    requireJson(),
  ];
  for (const resource of ["/patients", "/groups"]) {
    app.use(resource, ...guards);
    app.use(`${resource}/*`, ...guards);
  }
  app.route("/patients", patientRoutes(deps.service, deps.paging, deps.keys));
  app.route("/patients", patientGroupRoutes(deps.groups));
  app.route("/groups", groupRoutes(deps.groups, deps.paging, deps.keys));
}
