import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type AuditNote, auditNote } from "@pms/audit";
import { type AppEnv, clientAddress, jsonError, type RouteResponses } from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { User, UserStore } from "../store/user_store.ts";
import type { LoginThrottle } from "../domain/login_throttle.ts";

/** The caller's own account, or `401` when it is gone or disabled (the token outlived it). */
export async function currentUser(users: UserStore, uid: string): Promise<User> {
  const user = await users.findById(uid);
  if (!user || user.disabled) throw jsonError(401, "Invalid or expired token");
  return user;
}

/**
 * What a change of the caller's own account declares alike: any role, the JSON `body`, its
 * `answer` by status, and `400` with the fields at fault (`invalid` says which).
 */
export function ownChange<B extends z.ZodType>(body: B, answer: RouteResponses, invalid: string) {
  return {
    roles: "any" as const,
    request: { body: doc.jsonBody(body) },
    responses: { ...answer, 400: doc.invalidFields(invalid) },
  };
}

/** What a try the throttle holds back answers and records. */
export interface ThrottledAnswer {
  /** The `429` message. */
  message: string;
  /** The audit note of the refusal. */
  note: AuditNote;
  /** A warning to log, if any. */
  warn?: string;
}

/**
 * The throttle's key (the email, lower-cased) and the client address of a try at an account's
 * secret; throws `429` with `Retry-After` (noting and logging `answer` first) while the throttle
 * holds this email and client back.
 */
export function admitTry(
  c: Context<AppEnv>,
  deps: { throttle: LoginThrottle; trustProxy: boolean },
  email: string,
  answer: ThrottledAnswer,
): { key: string; client: string } {
  const key = email.toLowerCase();
  const client = clientAddress(c, deps.trustProxy);
  const wait = deps.throttle.retryAfter(key, client);
  if (wait > 0) {
    if (answer.warn !== undefined) c.get("logger").warn(answer.warn);
    auditNote(c, answer.note);
    throw jsonError(429, answer.message, { "Retry-After": String(wait) });
  }
  return { key, client };
}

/** The answer of a throttled try at the caller's own account (its password, its MFA). */
export const ACCOUNT_THROTTLED: ThrottledAnswer = {
  message: "Too many failed attempts; try again later",
  note: { details: { reason: "throttled" } },
};
