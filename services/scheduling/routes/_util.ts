import { auditChange } from "@pms/audit";
import { type AppEnv, expectedVersions } from "@pms/http";
import type { Context } from "hono";
import type { CallContext } from "../domain/scheduling_service.ts";

/** The scheduling rows of the role matrix. */
export const SCHEDULING_ROLES = {
  /** Schedules read, slots; appointments read, book, change, status. */
  staff: ["ADMIN", "CLINICIAN", "FRONT_DESK"],
  /** Schedules create, update. */
  admin: ["ADMIN"],
} as const;

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
