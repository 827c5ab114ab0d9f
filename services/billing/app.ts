import { OpenAPIHono } from "@hono/zod-openapi";
import type { TokenClaims } from "@pms/jwt";
import type { Logger } from "@pms/log";
import { type AppEnv, errorHandler, jwtAuth, notFoundHandler, requestContext } from "@pms/http";
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
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  app.doc31("/v3/api-docs", {
    openapi: "3.1.0",
    info: { title: "Billing Service API", version: "1.0.0" },
  });
  app.notFound(notFoundHandler);
  app.onError(errorHandler({ logger: deps.logger }));
  return app;
}
