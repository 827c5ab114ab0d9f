import type { OpenAPIHono } from "@hono/zod-openapi";
import { type AppEnv, jwtAuth } from "@pms/http";
import type { VerifyToken } from "@pms/service";
import type { BillingAccountStore } from "./store/billing_account_store.ts";
import { accountRoutes } from "./routes/accounts.ts";

/** What the billing HTTP routes need. */
export interface BillingRoutesDeps {
  accounts: BillingAccountStore;
  verify: VerifyToken;
}

/** Mounts `/billing/accounts/{patientId}` (token required) on the service app. */
export function mountBillingRoutes(app: OpenAPIHono<AppEnv>, deps: BillingRoutesDeps): void {
  app.use("/billing/*", jwtAuth({ verify: deps.verify }));
  app.route("/billing", accountRoutes(deps.accounts));
}
