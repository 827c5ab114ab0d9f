import type { Context } from "hono";
import { auditNote } from "@pms/audit";
import type { AppEnv } from "@pms/http";
import { fhirJson } from "./fhir_json.ts";
import { queryPairs } from "./fhir_search.ts";
import { searchBundle } from "./search_bundle.ts";
import { searchLinks } from "./search_links.ts";

/** What a search found, for {@linkcode searchAnswer}. */
export interface SearchFound {
  /** `FHIR_BASE_URL`. */
  base: string;
  /** The resource type searched (`Appointment`). */
  type: string;
  /** This page's matches, as FHIR resources. */
  resources: { resourceType: string; id: string }[];
  /** How many match in all. */
  total: number;
  offset: number;
  count: number;
  /** The patients the page discloses (for the audit record); none for resources of no patient. */
  patientIds?: string[];
}

/**
 * Answers a search: the patients the page discloses and the search's parameters (each one's value,
 * or its values when repeated) go into the request's audit record, and the matches go out as a
 * `searchset` Bundle with its `self` and `next` links.
 */
export function searchAnswer(c: Context<AppEnv>, found: SearchFound): Response {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of queryPairs(c.req.url)) {
    const before = params[name];
    params[name] = before === undefined ? value : [before, value].flat();
  }
  auditNote(c, {
    ...(found.patientIds && { patientIds: [...new Set(found.patientIds)] }),
    details: params,
  });
  const { offset, count, total } = found;
  return fhirJson(
    c,
    searchBundle(
      found.base,
      found.resources,
      total,
      searchLinks(found.base, c.req.url, found.type, { offset, count, total }),
    ),
  );
}
