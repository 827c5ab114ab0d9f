import type { OpenAPIHono } from "@hono/zod-openapi";
import { type AppEnv, jwtAuth } from "@pms/http";
import type { VerifyToken } from "@pms/service";
import type { AnalyticsStore } from "./store/analytics_store.ts";
import { summaryRoutes } from "./routes/summary.ts";

/** What the analytics routes need. */
export interface AnalyticsRoutesDeps {
  store: AnalyticsStore;
  verify: VerifyToken;
}

/** Mounts `/analytics/summary` (token required) on the service app. */
export function mountAnalyticsRoutes(app: OpenAPIHono<AppEnv>, deps: AnalyticsRoutesDeps): void {
  app.use("/analytics/*", jwtAuth({ verify: deps.verify }));
  app.route("/analytics", summaryRoutes(deps.store));
}
