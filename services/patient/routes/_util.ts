import { auditChange } from "@pms/audit";
import { type AppEnv, expectedVersions, parseEtagList } from "@pms/http";
import type { Context } from "hono";

/**
 * Who may call what: the patient rows of the contract's role matrix, the same over REST and FHIR
 * (vread and `_history` as history).
 */
export const PATIENT_ROLES = {
  read: ["ADMIN", "CLINICIAN", "FRONT_DESK", "BILLING"],
  write: ["ADMIN", "CLINICIAN", "FRONT_DESK"],
  history: ["ADMIN", "CLINICIAN"],
  admin: ["ADMIN"],
} as const;
import type { ChangeContext } from "../domain/patient_service.ts";

/** Who makes a change from this request (REST or FHIR), with its audit record. */
export function changeContext(c: Context<AppEnv>, withVersion = false): ChangeContext {
  return {
    actor: c.get("user").sub,
    traceparent: c.get("traceparent"),
    expectedVersions: withVersion ? expectedVersions(c) : undefined,
    audit: auditChange(c),
  };
}

/** True when `If-None-Match` names `version` (or is `*`): the answer is `304`. */
export function notModified(c: Context<AppEnv>, version: number): boolean {
  const header = c.req.header("If-None-Match");
  const tags = header === undefined ? undefined : parseEtagList(header);
  return tags === "*" || (tags?.includes(version) ?? false);
}
