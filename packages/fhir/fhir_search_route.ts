import { defineRoute, FHIR_ANSWERS } from "@pms/http";
import type { FhirRouteOptions } from "./fhir_read_route.ts";
import { FhirAnyQuery, fhirResourceAnswer } from "./read_route_parts.ts";

/**
 * The definition of a FHIR `search-type`, `GET /<type>`: FHIR's answers (OperationOutcome
 * errors), any query (the route checks its own parameters with {@linkcode searchQuery}), a
 * searchset Bundle as `application/fhir+json`, and `400` for a bad parameter.
 */
export function fhirSearchRoute(route: FhirRouteOptions) {
  const { type, audit, summary, roles } = route;
  return defineRoute({
    method: "get",
    path: `/${type}`,
    audit,
    answers: FHIR_ANSWERS,
    summary,
    roles,
    request: { query: FhirAnyQuery },
    responses: fhirResourceAnswer("A searchset Bundle"),
    errors: { 400: route.error ?? "An unknown parameter or a bad value" },
  });
}
