import type { OpenAPIHono } from "@hono/zod-openapi";
import {
  type AppEnv,
  bodyLimit,
  type IdempotencyStore,
  jwtAuth,
  noStore,
  type Paging,
} from "@pms/http";
import type { Logger } from "@pms/log";
import type { VerifyToken } from "@pms/service";
import { type PatientAccess, restrictedRecords } from "@pms/patient_access";
import type { PatientDirectory } from "@pms/patient_directory";
import type { BillingService } from "./domain/billing_service.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { invoiceRoutes } from "./routes/invoices.ts";
import { openAccountOnFirstUse } from "./routes/open_account_on_first_use.ts";
import type { BillingAccountStore } from "./store/billing_account_store.ts";

/** What the billing HTTP routes need. */
export interface BillingRoutesDeps {
  billing: BillingService;
  /** Idempotency-Key storage (required on payments). */
  keys: IdempotencyStore;
  verify: VerifyToken;
  /** Who may see which patient (the patient service decides). */
  access: PatientAccess;
  paging: Paging;
  maxBodyBytes: number;
  /** `BILLING_CURRENCY`: money in another currency is refused (`400`). */
  currency: string;
  /** The accounts, opened on first use when a call outruns the patient service's request. */
  accounts: Pick<BillingAccountStore, "findByPatientId" | "open">;
  /** Whether a patient exists (the patient service answers). */
  patients: Pick<PatientDirectory, "status">;
  logger: Logger;
}

/**
 * Mounts `/billing/accounts/…` and `/billing/invoices/…` (token and body limit
 * required, a JSON body on each route after its role; nothing stored by caches) on the service app.
 */
export function mountBillingRoutes(app: OpenAPIHono<AppEnv>, deps: BillingRoutesDeps): void {
  app.use(
    "/billing/*",
    noStore(),
    jwtAuth({ verify: deps.verify }),
    bodyLimit({ maxBytes: deps.maxBodyBytes }),
    // A restricted patient's account, charges, invoices and payments are refused; a change to
    // an invoice of one is refused before it is made (its patient is looked up first).
    restrictedRecords({
      access: deps.access,
      recordPatient(c) {
        const [, , resource, id] = c.req.path.split("/");
        return c.req.method !== "GET" && resource === "invoices" && id
          ? deps.billing.patientOfInvoice(id)
          : Promise.resolve(undefined);
      },
    }),
  );
  // After the token and restriction checks: a call on an account not opened yet opens it (the
  // pattern matches the account's own path too).
  app.use("/billing/accounts/:patientId/*", openAccountOnFirstUse(deps));
  app.route("/billing", accountRoutes(deps.billing, deps.keys, deps.paging, deps.currency));
  app.route("/billing", invoiceRoutes(deps.billing, deps.keys, deps.currency));
}
