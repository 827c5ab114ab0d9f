import type { OpenAPIHono } from "@hono/zod-openapi";
import type { JWK } from "jose";
import { type AppEnv, bodyLimit, noStore, requireJson } from "@pms/http";
import type { VerifyToken } from "@pms/service";
import { type LoginDeps, loginRoutes } from "./routes/login.ts";
import { validateRoutes } from "./routes/validate.ts";
import { jwksRoutes } from "./routes/jwks.ts";

/** What the auth routes need. */
export interface AuthRoutesDeps extends LoginDeps {
  /** Verifies tokens against this service's own public keys. */
  verify: VerifyToken;
  /** The public keys published at `/.well-known/jwks.json`. */
  publicKeys: JWK[];
  maxBodyBytes: number;
}

/**
 * Mounts login, validate and JWKS, behind the body limit and the JSON content-type check; no
 * answer of auth's may be stored by a cache (tokens).
 */
export function mountAuthRoutes(app: OpenAPIHono<AppEnv>, deps: AuthRoutesDeps): void {
  app.use(noStore());
  app.use(bodyLimit({ maxBytes: deps.maxBodyBytes }));
  app.use(requireJson());
  app.route("/", loginRoutes(deps));
  app.route("/", validateRoutes(deps.verify));
  app.route("/", jwksRoutes(deps.publicKeys));
}
