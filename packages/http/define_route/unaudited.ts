import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app_env.ts";
import { declareAudit } from "./route_audit.ts";

/**
 * A route's first handler saying it is not audited and why (`/health`, the OpenAPI document), for
 * a route not made by `defineRoute`: `app.get("/health", unaudited("liveness probe"), …)`.
 */
export function unaudited(reason: string): MiddlewareHandler<AppEnv> {
  return declareAudit(async function unaudited(_c, next) {
    await next();
  }, { exempt: reason });
}
