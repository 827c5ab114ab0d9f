import { type AppEnv, jsonError, requireRole } from "@pms/http";
import type { Context, TypedResponse } from "hono";
import { BillingProblem } from "../domain/billing_problem.ts";

/** Billing's row of the role matrix: ADMIN and BILLING read and write. */
export const billingAccess = requireRole("ADMIN", "BILLING");

// The gateway says which prefix it stripped (`/api`); links use the path the client used.
const SAFE_PREFIX = /^(?:\/[A-Za-z0-9_-]{1,32}){1,4}$/;

/** A billing path as the client sees it: `/api/billing/…` through the gateway. */
export function clientPath(c: Context<AppEnv>, path: string): string {
  const prefix = c.req.header("X-Forwarded-Prefix");
  return `${prefix && SAFE_PREFIX.test(prefix) ? prefix : ""}${path}`;
}

/** Runs a use case; a {@linkcode BillingProblem} becomes `404`, `409` or `400 {field}`. */
export async function answering<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof BillingProblem)) throw error;
    if (error.kind === "not-found") throw jsonError(404, error.message);
    if (error.kind === "conflict") throw jsonError(409, error.message);
    throw jsonError(400, { [error.field ?? "body"]: error.message });
  }
}

/** `status` with JSON text already built by the database, typed as the route's schema. */
export function jsonText<T, S extends 200 | 201>(
  c: Context<AppEnv>,
  json: string,
  status: S,
): TypedResponse<T, S, "json"> {
  c.header("Content-Type", "application/json");
  return c.body(json, status) as unknown as TypedResponse<T, S, "json">;
}

/**
 * `400 {"amount"}` unless the money is in `currency` (`BILLING_CURRENCY`): checked with the rest
 * of the request, before the account or invoice is looked up.
 */
export function requireCurrency(money: { currency: string }, currency: string): void {
  if (money.currency !== currency) {
    throw jsonError(400, { amount: `Currency must be ${currency}` });
  }
}
