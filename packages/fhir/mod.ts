/**
 * What the FHIR R4 read-and-search facades of the services share (scheduling's Appointment,
 * Schedule and Slot; clinical's Encounter and Observation): the guarded app, FHIR JSON answers,
 * searchset Bundles and their links, and the search parameters.
 *
 * @module
 */
export { fhirReadApp, type FhirReadAppOptions } from "./fhir_read_app.ts";
export { fhirJson } from "./fhir_json.ts";
export { searchBundle } from "./search_bundle.ts";
export { type SearchLinks, searchLinks } from "./search_links.ts";
export { previousOffset } from "./previous_offset.ts";
export { searchAnswer, type SearchFound } from "./search_answer.ts";
export { searchPage, type SearchPageOptions } from "./search_page.ts";
export { readId } from "./read_id.ts";
export { FhirAnyQuery, FhirIdParam, fhirResourceAnswer } from "./read_route_parts.ts";
export {
  type DateBounds,
  dateBounds,
  type DateRange,
  dateRange,
  fhirPageParams,
  onlyParams,
  queryPairs,
  referenceId,
  tokenCode,
  withinBounds,
} from "./fhir_search.ts";
export { fhirReadRoute, type FhirRouteOptions } from "./fhir_read_route.ts";
export { fhirRead, type FhirReadOptions } from "./fhir_read.ts";
export { fhirSearchRoute } from "./fhir_search_route.ts";
export { type SearchQuery, searchQuery } from "./search_query.ts";
export { type FhirDocumentInfo, serveFhirDocument } from "./serve_fhir_document.ts";
