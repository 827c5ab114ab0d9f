import { OpenAPIHono } from "@hono/zod-openapi";
import type { TokenClaims } from "@pms/jwt";
import type { Logger } from "@pms/log";
import { type AppEnv, finishServiceApp, jwtAuth, requestContext } from "@pms/http";
import type { BillingAccountStore } from "./store/billing_account_store.ts";
import { accountRoutes } from "./routes/accounts.ts";

/** What the billing HTTP app needs. */
export interface BillingDeps {
  accounts: BillingAccountStore;
  logger: Logger;
  /** Verifies bearer tokens: this service checks them itself, not only the gateway. */
  verify: (token: string) => Promise<TokenClaims>;
  /** True when the database answers. */
  ping: () => Promise<boolean>;
}

/** The billing HTTP side: `/health`, `/billing/accounts/{patientId}`, `/v3/api-docs`. */
export function createApp(deps: BillingDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.use(requestContext({ logger: deps.logger }));
  app.get(
    "/health",
    async (c) => (await deps.ping()) ? c.json({ status: "UP" }) : c.json({ status: "DOWN" }, 503),
  );
  app.use("/billing/*", jwtAuth({ verify: deps.verify }));
  app.route("/billing", accountRoutes(deps.accounts));
  return finishServiceApp(app, { title: "Billing Service API", logger: deps.logger });
}
