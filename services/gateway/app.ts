import type { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { type AppEnv, jwtAuth } from "@pms/http";
import type { VerifyToken } from "@pms/service";
import { type GatewayConfig, UPSTREAMS } from "./config.ts";
import { upstreamRoutes } from "./routes/api.ts";
import { apiDocsRoutes, docsRoutes } from "./routes/docs.ts";
import { consoleRoutes } from "./routes/console.ts";
import { pathGuard } from "./proxy/request_path.ts";
import { readBody } from "./proxy/read_body.ts";
import { fhirErrors } from "./proxy/fhir_errors.ts";
import { securityHeaders } from "./security_headers.ts";
import { requestBounds } from "./request_bounds.ts";
import type { UpstreamClient } from "./proxy/upstream_client.ts";

/** The routes whose gateway errors are FHIR OperationOutcomes (`"errors": "fhir"`). */
export const FHIR_PATHS: string[] = UPSTREAMS.flatMap((s) => s.routes)
  .filter((route) => route.errors === "fhir").map((route) => route.path);

/** What the gateway's routes need. */
export interface GatewayRoutesDeps {
  config: GatewayConfig;
  /** Verifies bearer tokens (signature against auth's JWKS, `alg` pinned). */
  verify: VerifyToken;
  /** The kept-alive client the upstream calls go through (closed by whoever made it). */
  client: UpstreamClient;
}

/**
 * What runs before every gateway route, `/health` included: FHIR errors on the FHIR routes (so
 * they cover every later refusal), the request line's and header fields' bounds (`414`, `431`),
 * path guard, security headers (the API set on JSON, Hono's whole set on `/docs`), and the body read
 * within its limit and its own timeout.
 */
export function gatewayMiddleware(config: GatewayConfig): MiddlewareHandler<AppEnv>[] {
  return [
    fhirErrors(FHIR_PATHS),
    requestBounds(),
    pathGuard(),
    securityHeaders(),
    readBody({ maxBytes: config.MAX_BODY_BYTES, timeoutMs: config.BODY_READ_TIMEOUT_MS }),
  ];
}

/** Mounts the upstream routes (token checked where the catalog says), API documents and docs. */
export function mountGatewayRoutes(app: OpenAPIHono<AppEnv>, deps: GatewayRoutesDeps): void {
  const authenticate = jwtAuth({ verify: deps.verify });
  app.route("/", upstreamRoutes({ config: deps.config, authenticate, client: deps.client }));
  app.route("/api-docs", apiDocsRoutes(deps.config, deps.client));
  app.route("/docs", docsRoutes);
  // The console is `/app`; `/app/` (a typed or bookmarked trailing slash) leads there.
  app.get("/app/", (c) => c.redirect("/app", 301));
  app.route("/app", consoleRoutes);
}
