import { type AppEnv, bearerToken, expectedVersions } from "@pms/http";
import type { Context } from "hono";
import type { AuditRecord } from "./audit_record.ts";
import { auditChange } from "./audit_trail/mod.ts";

/** Who asks, and what the request's change commits with. */
export interface CallContext {
  /** The caller's user id. */
  userId: string;
  /** The caller's bearer token, for calls to other services on the caller's behalf. */
  token: string;
  traceparent?: string;
  /** `If-Match`: the change applies only to one of these versions. */
  expectedVersions?: number[];
  /** The request's SUCCESS audit record, committed with the change. */
  audit?: AuditRecord;
}

/** The {@linkcode CallContext} of a request that passed the token check. */
export function callContext(c: Context<AppEnv>): CallContext {
  return {
    userId: c.get("user").uid,
    token: bearerToken(c),
    traceparent: c.get("traceparent"),
    expectedVersions: expectedVersions(c),
    audit: auditChange(c),
  };
}
