import type { AuditOutcome } from "./audit_record.ts";

/** The outcome a response status stands for: 2xx and 304 succeed, 401 and 403 are denials. */
export function outcomeOf(status: number): AuditOutcome {
  if ((status >= 200 && status < 300) || status === 304) return "SUCCESS";
  if (status === 401 || status === 403) return "DENIED";
  return "FAILED";
}
