import { jsonError, requireJson, requireRole } from "@pms/http";
import { BillingProblem } from "../domain/billing_problem.ts";

/** Billing's row of the role matrix: ADMIN and BILLING read and write. */
export const billingAccess = requireRole("ADMIN", "BILLING");

/** `415` unless a body is JSON; on each route after its role (401 → 403 → 415 → 400). */
export const jsonBody = requireJson();

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

/**
 * `400 {"amount"}` unless the money is in `currency` (`BILLING_CURRENCY`): checked with the rest
 * of the request, before the account or invoice is looked up.
 */
export function requireCurrency(money: { currency: string }, currency: string): void {
  if (money.currency !== currency) {
    throw jsonError(400, { amount: `Currency must be ${currency}` });
  }
}
