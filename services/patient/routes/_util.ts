import { auditChange } from "@pms/audit";
import { type AppEnv, jsonError } from "@pms/http";
import type { Context } from "hono";
import { parseEtagList } from "../domain/etag.ts";
import { type ChangeContext, DuplicateEmailError } from "../domain/patient_service.ts";

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

/** Runs a change; another patient with the email is `409` (an OperationOutcome under FHIR). */
export async function duplicateIs409<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof DuplicateEmailError) throw jsonError(409, error.message);
    throw error;
  }
}
