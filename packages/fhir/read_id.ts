import { fhirError } from "@pms/http";
import { isUuid } from "@pms/ids";
import { onlyParams, queryPairs } from "./fhir_search.ts";

/**
 * The id of a read (`GET /<type>/{id}`), which takes no parameter but `_format`: `400` for
 * another, `404` OperationOutcome `not-found` ("<type> not found") for an id that is no UUID.
 */
export function readId(requestUrl: string, id: string, type: string): string {
  onlyParams(queryPairs(requestUrl), ["_format"]);
  if (!isUuid(id)) throw fhirError(404, `${type} not found`, { code: "not-found" });
  return id;
}
