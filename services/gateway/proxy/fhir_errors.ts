import type { MiddlewareHandler } from "hono";
import { type AppEnv, asOperationOutcome, isFhirResponse } from "@pms/http";
import { rawPath } from "./request_path.ts";

/**
 * Turns the gateway's own error answers on the FHIR routes (`paths`, for example `/fhir/R4`, and
 * everything below) into OperationOutcomes (`application/fhir+json`, same status and headers):
 * 400 for an ambiguous path, 401 without a valid token, 405, 408, 413, 502/503/504 when the
 * upstream is down or slow. Answers that are FHIR already (the service's) pass as they are.
 * Runs before every other gateway middleware, so it sees their errors too.
 */
export function fhirErrors(paths: string[]): MiddlewareHandler<AppEnv> {
  return async function fhirErrors(c, next) {
    await next();
    if (c.res.status < 400 || isFhirResponse(c.res)) return;
    const path = rawPath(c.req.url);
    if (!paths.some((p) => path === p || path.startsWith(`${p}/`))) return;
    const converted = await asOperationOutcome(c.res);
    // Unset first: assigning over a response would merge the old one's headers into the new.
    c.res = undefined;
    c.res = converted;
  };
}
