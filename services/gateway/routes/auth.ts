import { Hono } from "hono";
import type { AppEnv } from "@pms/http";
import { forward } from "../proxy/forward.ts";
import { upstreamPath } from "../proxy/request_path.ts";
import type { GatewayConfig } from "../config.ts";

/** `/auth/**` → the auth service with `/auth` stripped; no token needed. */
export function authRoutes(config: GatewayConfig, fetcher?: typeof fetch): Hono<AppEnv> {
  return new Hono<AppEnv>().all("/*", (c) =>
    forward(c, {
      upstream: config.upstreams.auth,
      name: "auth",
      prefix: "/auth",
      path: upstreamPath(c.req.url, "/auth"),
      timeoutMs: config.upstreamTimeoutMs,
      fetch: fetcher,
    }));
}
