import { jsonError } from "@pms/http";

/** Billing's row of the role matrix: ADMIN and BILLING read and write. */
export const BILLING_ROLES = ["ADMIN", "BILLING"] as const;
/**
 * `400 {"amount"}` unless the money is in `currency` (`BILLING_CURRENCY`): checked with the rest
 * of the request, before the account or invoice is looked up.
 */
export function requireCurrency(money: { currency: string }, currency: string): void {
  if (money.currency !== currency) {
    throw jsonError(400, { amount: `Currency must be ${currency}` });
  }
}
