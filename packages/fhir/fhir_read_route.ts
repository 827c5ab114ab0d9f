import type { Role } from "@pms/jwt";
import { defineRoute, FHIR_ANSWERS, type RouteAudit } from "@pms/http";
import * as doc from "@pms/http/openapi";
import { FhirAnyQuery, FhirIdParam, fhirResourceAnswer } from "./read_route_parts.ts";

/** What tells one FHIR read or search route from another. */
export interface FhirRouteOptions {
  /** The resource type, `Encounter`: the route serves `/<type>/{id}` or `/<type>`. */
  type: string;
  audit: RouteAudit;
  summary: string;
  roles: readonly Role[];
  /** The description of the route's error: a read's `404`, a search's `400`. */
  error?: string;
}

/**
 * The definition of a FHIR `read`, `GET /<type>/{id}`: FHIR's answers (OperationOutcome errors),
 * any query (the route checks its own parameters), the resource as `application/fhir+json` (`304`
 * for a matching `If-None-Match`), and `404` for an unknown id.
 */
export function fhirReadRoute(route: FhirRouteOptions) {
  const { type, audit, summary, roles } = route;
  return defineRoute({
    method: "get",
    path: `/${type}/{id}`,
    audit,
    answers: FHIR_ANSWERS,
    summary,
    roles,
    request: { params: FhirIdParam, query: FhirAnyQuery },
    responses: { ...fhirResourceAnswer(`The ${type}`), ...doc.notModifiedAnswer },
    errors: { 404: route.error ?? `No such ${type.toLowerCase()} (code not-found)` },
  });
}
