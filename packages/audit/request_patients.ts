import type { Context } from "hono";
import type { PatientPlace } from "@pms/http";
import { canonicalUuid } from "@pms/ids";

/**
 * The patients a request names in `places` (a route's declaration, see `PatientNamed`): its path
 * parameters, read where `routePath` (the route's own path, `/patients/:id`) has them, its query
 * parameters (each value of a repeated or comma-separated one, a FHIR reference's `Patient/`
 * taken off), and the fields of its JSON `body` when one is given (body places are skipped
 * without it); each a UUID, lower-cased, once.
 */
export function requestPatients(
  c: Context,
  routePath: string,
  places: PatientPlace[],
  body?: unknown,
): string[] {
  const ids = new Set<string>();
  for (const place of places) {
    let value: unknown;
    if ("query" in place) {
      // Every value of a repeated or comma-separated parameter: a route may read any of them.
      for (const given of (c.req.queries(place.query) ?? []).flatMap((v) => v.split(","))) {
        const id = canonicalUuid(given.trim().replace(/^Patient\//, ""));
        if (id) ids.add(id);
      }
      continue;
    } else if ("param" in place) {
      const at = routePath.split("/").indexOf(`:${place.param}`);
      value = at < 0 ? undefined : c.req.path.split("/")[at];
    } else if (body !== null && typeof body === "object" && !Array.isArray(body)) {
      value = (body as Record<string, unknown>)[place.body];
    }
    const id = canonicalUuid(value);
    if (id) ids.add(id);
  }
  return [...ids];
}
