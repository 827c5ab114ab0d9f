import type { Context } from "hono";
import { answerVersion } from "@pms/http";
import { auditCommitted } from "./audit_trail/mod.ts";

/**
 * Answers a committed change: the request's audit record is marked committed, and the changed
 * record goes out as JSON with `status`, its `ETag` and, with `collection`, its `Location`
 * (see `answerVersion`).
 */
export function answerChange(
  c: Context,
  record: { id: string; version: number },
  status: 200 | 201,
  collection?: string,
): Response {
  auditCommitted(c);
  return answerVersion(c, record, status, collection);
}
