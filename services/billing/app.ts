import type { OpenAPIHono } from "@hono/zod-openapi";
import {
  type AppEnv,
  bodyLimit,
  type IdempotencyStore,
  jwtAuth,
  noStore,
  type Paging,
} from "@pms/http";
import type { VerifyToken } from "@pms/service";
import { type PatientAccess, restrictedRecords } from "@pms/patient_access";
import type { BillingService } from "./domain/billing_service.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { invoiceRoutes } from "./routes/invoices.ts";

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
  app.route("/billing", accountRoutes(deps.billing, deps.keys, deps.paging, deps.currency));
  app.route("/billing", invoiceRoutes(deps.billing, deps.keys, deps.currency));
}
