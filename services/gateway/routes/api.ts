import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "@pms/http";
import { forward } from "../proxy/forward.ts";
import { upstreamPath } from "../proxy/request_path.ts";
import type { GatewayConfig } from "../config.ts";

/**
 * `/api/{patients,billing,analytics,notifications}/**` → the owning service with `/api`
 * stripped, after `authenticate` has accepted the bearer token. The token is checked first for
 * every `/api` path, so an anonymous caller learns nothing about which paths exist.
 */
export function apiRoutes(
  config: GatewayConfig,
  authenticate: MiddlewareHandler<AppEnv>,
  fetcher?: typeof fetch,
): Hono<AppEnv> {
  const api = new Hono<AppEnv>().use(authenticate);
  const table: [string, keyof GatewayConfig["upstreams"]][] = [
    ["patients", "patient"],
    ["billing", "billing"],
    ["analytics", "analytics"],
    ["notifications", "notification"],
  ];
  for (const [segment, name] of table) {
    const handler = (c: Parameters<MiddlewareHandler<AppEnv>>[0]) =>
      forward(c, {
        upstream: config.upstreams[name],
        name,
        prefix: "/api",
        path: upstreamPath(c.req.url, "/api"),
        timeoutMs: config.upstreamTimeoutMs,
        fetch: fetcher,
      });
    api.all(`/${segment}`, handler).all(`/${segment}/*`, handler);
  }
  return api;
}
