import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { TokenClaims } from "@pms/jwt";
import type { Logger } from "@pms/log";
import {
  type AppEnv,
  bodyLimit,
  errorHandler,
  jwtAuth,
  notFoundHandler,
  requestContext,
} from "@pms/http";
import type { GatewayConfig } from "./config.ts";
import { health } from "./routes/health.ts";
import { authRoutes } from "./routes/auth.ts";
import { apiRoutes } from "./routes/api.ts";
import { apiDocsRoutes, docsRoutes } from "./routes/docs.ts";
import { pathGuard } from "./proxy/request_path.ts";

/** What the gateway app needs. */
export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  /** Verifies bearer tokens (signature against auth's JWKS, `alg` pinned). */
  verify: (token: string) => Promise<TokenClaims>;
  /** The fetch used to reach upstreams; tests may pass their own. */
  fetch?: typeof fetch;
}

/** The public gateway: routes, token check for `/api`, limits, request ids, one error handler. */
export function createApp(deps: GatewayDeps): Hono<AppEnv> {
  const { config } = deps;
  return new Hono<AppEnv>()
    .use(requestContext({ logger: deps.logger }))
    .use(pathGuard())
    .use(secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        styleSrc: ["'self'", "'unsafe-inline'"],
      },
      crossOriginEmbedderPolicy: false,
    }))
    .use(bodyLimit({ maxBytes: config.maxBodyBytes }))
    .route("/health", health)
    .route("/auth", authRoutes(config, deps.fetch))
    .route("/api", apiRoutes(config, jwtAuth({ verify: deps.verify }), deps.fetch))
    .route("/api-docs", apiDocsRoutes(config, deps.fetch))
    .route("/docs", docsRoutes)
    .notFound(notFoundHandler)
    .onError(errorHandler({ logger: deps.logger }));
}
