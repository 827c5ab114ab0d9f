import type { OpenAPIHono } from "@hono/zod-openapi";
import { type AppEnv, bodyLimit, type IdempotencyStore, jwtAuth, noStore } from "@pms/http";
import type { VerifyToken } from "@pms/service";
import type { BillingService } from "./domain/billing_service.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { invoiceRoutes } from "./routes/invoices.ts";

/** What the billing HTTP routes need. */
export interface BillingRoutesDeps {
  billing: BillingService;
  /** Idempotency-Key storage (required on payments). */
  keys: IdempotencyStore;
  verify: VerifyToken;
  paging: { defaultSize: number; maxSize: number };
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
  );
  app.route("/billing", accountRoutes(deps.billing, deps.keys, deps.paging, deps.currency));
  app.route("/billing", invoiceRoutes(deps.billing, deps.keys, deps.currency));
}
