import { OpenAPIHono } from "@hono/zod-openapi";
import type { TokenClaims } from "@pms/jwt";
import type { Logger } from "@pms/log";
import { type AppEnv, finishServiceApp, jwtAuth, requestContext } from "@pms/http";
import type { AnalyticsStore } from "./store/analytics_store.ts";
import { summaryRoutes } from "./routes/summary.ts";

/** What the analytics HTTP app needs. */
export interface AnalyticsDeps {
  store: AnalyticsStore;
  logger: Logger;
  verify: (token: string) => Promise<TokenClaims>;
  /** True when the database answers. */
  ping: () => Promise<boolean>;
}

/** The analytics read API: `/health`, `/analytics/summary`, `/v3/api-docs`. */
export function createApp(deps: AnalyticsDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.use(requestContext({ logger: deps.logger }));
  app.get(
    "/health",
    async (c) => (await deps.ping()) ? c.json({ status: "UP" }) : c.json({ status: "DOWN" }, 503),
  );
  app.use("/analytics/*", jwtAuth({ verify: deps.verify }));
  app.route("/analytics", summaryRoutes(deps.store));
  return finishServiceApp(app, { title: "Analytics Service API", logger: deps.logger });
}
