import { type AppEnv, FHIR_JSON } from "@pms/http";
import type { Context } from "hono";

/** `200` with a FHIR resource as `application/fhir+json` (and `headers`, such as `ETag`). */
export function fhirJson(
  c: Context<AppEnv>,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return c.body(JSON.stringify(body), 200, { ...headers, "Content-Type": FHIR_JSON });
}
