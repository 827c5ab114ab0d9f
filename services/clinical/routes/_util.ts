import { auditChange } from "@pms/audit";
import { type AppEnv, expectedVersions } from "@pms/http";
import type { Context } from "hono";
import type { CallContext } from "../domain/clinical_service.ts";

/** The clinical row of the role matrix: encounters, observations, notes read and write. */
export const CLINICAL_ROLES = ["ADMIN", "CLINICIAN"] as const;

/** Who calls, with their token, `If-Match` and the change's audit record. */
export function callContext(c: Context<AppEnv>): CallContext {
  const authorization = c.req.header("Authorization") ?? "";
  return {
    userId: c.get("user").uid,
    token: authorization.replace(/^Bearer\s+/i, ""),
    traceparent: c.get("traceparent"),
    expectedVersions: expectedVersions(c),
    audit: auditChange(c),
  };
}
