import type { MiddlewareHandler } from "hono";
import { type AppEnv, bearerToken } from "@pms/http";
import { canonicalUuid } from "@pms/ids";
import type { Logger } from "@pms/log";
import type { PatientDirectory } from "@pms/patient_directory";
import type { BillingAccountStore } from "../store/billing_account_store.ts";
import { BILLING_ROLES } from "./_util.ts";

/** Options for {@linkcode openAccountOnFirstUse}. */
export interface OpenAccountOnFirstUseOptions {
  accounts: Pick<BillingAccountStore, "findByPatientId" | "open">;
  /** Asks the patient service whether the patient exists, with the caller's token. */
  patients: Pick<PatientDirectory, "status">;
  /** `BILLING_CURRENCY`: the currency of an account opened here. */
  currency: string;
  logger: Logger;
}

/**
 * Opens a patient's account when a call on it (`/billing/accounts/{patientId}/…`) arrives before
 * the patient service's request to open it did: a create's account is opened through an outbox,
 * milliseconds after the create answered, and a caller must not see that gap as a `404`. The
 * patient service is asked whether the patient exists (deleted or merged ones included: every
 * created patient has an account); the account is opened as that request would open it, once
 * whoever comes first. An unknown patient, a role the route refuses, a malformed id or a patient
 * service that does not answer leave the call to the route as before (its `404`, `403`, `400`).
 */
export function openAccountOnFirstUse(
  options: OpenAccountOnFirstUseOptions,
): MiddlewareHandler<AppEnv> {
  const roles: readonly string[] = BILLING_ROLES;
  return async function openAccountOnFirstUse(c, next) {
    const patientId = canonicalUuid(c.req.param("patientId"));
    const role = c.get("user")?.role;
    if (patientId && role && roles.includes(role)) {
      if (!(await options.accounts.findByPatientId(patientId))) {
        const status = await options.patients.status(patientId, bearerToken(c)).catch((error) => {
          options.logger.warn("patient service not asked about an account", { err: error });
          return "MISSING" as const;
        });
        if (status !== "MISSING") {
          const { created } = await options.accounts.open(patientId, options.currency);
          if (created) options.logger.info("billing account opened on first use");
        }
      }
    }
    await next();
  };
}
