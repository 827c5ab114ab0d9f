import { auditChange } from "@pms/audit";
import { type AppEnv, jsonError } from "@pms/http";
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
import { parseEtagList } from "../domain/etag.ts";
import type { ChangeContext } from "../domain/patient_service.ts";

/** `If-Match` as versions (undefined when absent or `*`); `400` when malformed. */
export function expectedVersions(c: Context<AppEnv>): number[] | undefined {
  const header = c.req.header("If-Match");
  if (header === undefined) return undefined;
  const parsed = parseEtagList(header);
  if (parsed === undefined) throw jsonError(400, "If-Match must be * or a list of entity tags");
  return parsed === "*" ? undefined : parsed;
}

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
