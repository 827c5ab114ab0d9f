import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono, type MiddlewareHandler } from "hono";
import { type AppEnv, guardResources, type Paging } from "@pms/http";
import { type FhirDocumentInfo, serveFhirDocument } from "@pms/fhir";
import type { Logger } from "@pms/log";
import type { PatientDataRoutesDeps } from "./patient_data_routes_deps.ts";
import { restrictedRecords } from "./restricted_records/mod.ts";

/** What {@linkcode mountPatientData} gives a service's FHIR routes. */
export interface PatientDataFhirOptions<S> {
  service: S;
  verify: PatientDataRoutesDeps<S>["verify"];
  /** `FHIR_BASE_URL`: the base of `fullUrl` and links. */
  baseUrl: string;
  paging: Paging;
  logger: Logger;
  /** The restricted-records check, to run after the token check. */
  guards: MiddlewareHandler<AppEnv>[];
}

/** Options for {@linkcode mountPatientData}. */
export interface MountPatientDataOptions<S> {
  /** The REST resources by path (`/encounters`), each mounted behind the guards. */
  resources: Record<string, OpenAPIHono<AppEnv>>;
  /**
   * The patient of the record a change (any method but GET) to `/<resource>/<id>` names, so a
   * restricted patient's record is refused before it is changed; undefined where none applies.
   */
  recordPatient(resource: string, id: string): Promise<string | undefined> | undefined;
  /** The service's FHIR routes. */
  fhir(options: PatientDataFhirOptions<S>): OpenAPIHono<AppEnv>;
  /**
   * The FHIR routes' own OpenAPI document, served at `/v3/api-docs/<name>` (the catalog route's
   * `docs` name, so the gateway lists it on `/docs`); the REST document never holds them.
   */
  fhirDocument: FhirDocumentInfo;
}

/**
 * Mounts a patient-data service's REST resources, each behind the shared guards (nothing stored
 * by caches, a verified token, the body limit) and the restricted-records check (a restricted
 * patient's record refused, masked in lists), and its FHIR routes at `/fhir/R4` through a plain
 * Hono app, so their paths stay out of the REST document: they have their own, at
 * `/v3/api-docs/<fhirDocument.name>`.
 */
export function mountPatientData<S>(
  app: OpenAPIHono<AppEnv>,
  deps: PatientDataRoutesDeps<S>,
  options: MountPatientDataOptions<S>,
): void {
  const restricted = restrictedRecords({
    access: deps.access,
    recordPatient(c) {
      const [, resource, id] = c.req.path.split("/");
      if (c.req.method === "GET" || !resource || !id) return Promise.resolve(undefined);
      return options.recordPatient(resource, id) ?? Promise.resolve(undefined);
    },
  });
  guardResources(app, Object.keys(options.resources), deps, restricted);
  for (const [path, routes] of Object.entries(options.resources)) app.route(path, routes);
  // Named one by one: a manifest's deps hold the runner's parts (verify, logger) on a prototype.
  const fhir = options.fhir({
    service: deps.service,
    verify: deps.verify,
    baseUrl: deps.fhirBaseUrl,
    paging: deps.paging,
    logger: deps.logger,
    guards: [restricted],
  });
  app.route("/fhir/R4", new Hono<AppEnv>().route("/", fhir));
  serveFhirDocument(app, fhir, options.fhirDocument);
}
