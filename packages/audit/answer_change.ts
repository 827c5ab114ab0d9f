import type { Context } from "hono";
import { answerVersion } from "@pms/http";
import { auditCommitted } from "./audit_trail/mod.ts";

/**
 * Answers a committed change: the request's audit record is marked committed, and the changed
 * record goes out as JSON with `status`, its `ETag` and, with `collection`, its `Location`
 * (see `answerVersion`).
 */
export function answerChange<
  T extends { id: string; version: number },
  S extends 200 | 201,
>(c: Context, record: T, status: S, collection?: string): Response {
  auditCommitted(c);
  return answerVersion(c, record, status, collection);
}
