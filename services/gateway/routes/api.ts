import { Hono, type MiddlewareHandler } from "hono";
import { type AppEnv, notFoundHandler } from "@pms/http";
import type { GatewayRoute } from "@pms/topology";
import { forward } from "../proxy/forward.ts";
import type { UpstreamClient } from "../proxy/upstream_client.ts";
import { rawPath, upstreamPath } from "../proxy/request_path.ts";
import { type GatewayConfig, UPSTREAMS } from "../config.ts";

/** What {@linkcode upstreamRoutes} needs. */
export interface UpstreamRoutesOptions {
  config: GatewayConfig;
  /** The bearer-token check, run before forwarding on routes that need a token. */
  authenticate: MiddlewareHandler<AppEnv>;
  /** The kept-alive client the upstream calls go through. */
  client: UpstreamClient;
}

/** The first segment of a route's path (`/api` of `/api/patients`). */
const rootOf = (route: GatewayRoute) => `/${route.path.split("/")[1]}`;

/**
 * Every route the catalog declares (`/auth/**` → auth with `/auth` stripped, `/api/patients/**` →
 * patient with `/api` stripped, `/fhir/R4/**` → patient as it is, …). The token is checked first
 * for every path under a root that holds a token-guarded route (`/api/**`, `/fhir/**`), so an
 * anonymous caller learns nothing about which paths exist; only a route's `public` sub-paths,
 * matched exactly as sent (`/fhir/R4/metadata`), pass without one. A route's `internal` sub-paths
 * (auth's `/revocations`) are never forwarded: `404`.
 */
export function upstreamRoutes(options: UpstreamRoutesOptions): Hono<AppEnv> {
  const { config, authenticate } = options;
  const app = new Hono<AppEnv>();
  // Longest path first, so that `/fhir/R4/Appointment` (scheduling) wins over `/fhir/R4`.
  const routes = UPSTREAMS.flatMap((s) => s.routes.map((route) => ({ name: s.name, route })))
    .sort((a, b) => b.route.path.length - a.route.path.length);
  const open = new Set(
    routes.flatMap(({ route }) => (route.public ?? []).map((sub) => `${route.path}${sub}`)),
  );
  // Internal paths (auth's revocation list) are answered like a path that does not exist, also
  // when spelled with doubled slashes, a trailing slash or percent-encoding (`c.req.path` is
  // decoded as the service's own router decodes it).
  const internal = routes.flatMap(({ route }) =>
    (route.internal ?? []).map((sub) => `${route.path}${sub}`)
  );
  if (internal.length > 0) {
    app.use("*", async function internalPaths(c, next) {
      const path = c.req.path.includes("//") ? c.req.path.replace(/\/{2,}/g, "/") : c.req.path;
      if (internal.some((p) => path === p || path.startsWith(`${p}/`))) return notFoundHandler(c);
      await next();
    });
  }
  const guard: MiddlewareHandler<AppEnv> = (c, next) =>
    open.has(rawPath(c.req.url)) ? next() : authenticate(c, next);
  for (const root of new Set(routes.filter((r) => r.route.token).map((r) => rootOf(r.route)))) {
    app.use(root, guard).use(`${root}/*`, guard);
  }
  for (const { name, route } of routes) {
    const handler = (c: Parameters<MiddlewareHandler<AppEnv>>[0]) =>
      forward(c, {
        upstream: config.upstreams[name]!,
        name,
        prefix: route.strip,
        path: upstreamPath(c.req.url, route.strip),
        timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        client: options.client,
        trustedHops: config.TRUSTED_PROXY_HOPS,
      });
    app.all(route.path, handler).all(`${route.path}/*`, handler);
  }
  return app;
}
