import type { OpenAPIHono } from "@hono/zod-openapi";
import type { JWK } from "jose";
import { type AppEnv, bodyLimit, type IdempotencyStore, noStore } from "@pms/http";
import { InvalidTokenError } from "@pms/jwt";
import type { VerifyToken } from "@pms/service";
import { type LoginDeps, loginRoutes } from "./routes/login.ts";
import { meRoutes } from "./routes/me.ts";
import { mfaRoutes } from "./routes/mfa.ts";
import { userRoutes } from "./routes/users.ts";
import { validateRoutes } from "./routes/validate.ts";
import { jwksRoutes } from "./routes/jwks.ts";
import { revocationRoutes } from "./routes/revocations.ts";
import type { RevocationStore } from "./store/revocation_store.ts";

/** What the auth routes need. */
export interface AuthRoutesDeps extends LoginDeps {
  /** Idempotency-Key storage for the creating POST. */
  keys: IdempotencyStore;
  /** The public keys published at `/.well-known/jwks.json`. */
  publicKeys: JWK[];
  /** The revocation list the other services poll. */
  revocations: RevocationStore;
  maxBodyBytes: number;
}

/**
 * Mounts login (and its MFA step), refresh, logout, own account and its MFA, users, validate,
 * JWKS and the internal revocation list, behind the body limit
 * (each route with a body checks its JSON content type after its token and role); no answer of
 * auth's may be stored by a cache (tokens).
 * Auth refuses the access tokens of ended sessions at once, except on logout, which stays
 * idempotent; the other services refuse them once they poll the revocation list.
 */
export function mountAuthRoutes(app: OpenAPIHono<AppEnv>, deps: AuthRoutesDeps): void {
  const verifyLive: VerifyToken = async (token) => {
    const claims = await deps.verify(token);
    if (!(await deps.sessions.isLive(claims.sid))) throw new InvalidTokenError("Session ended");
    return claims;
  };
  app.use(noStore());
  app.use(bodyLimit({ maxBytes: deps.maxBodyBytes }));
  app.route("/", loginRoutes(deps));
  app.route("/", meRoutes({ ...deps, verifyLive }));
  app.route("/", mfaRoutes({ ...deps, verifyLive }));
  app.route("/", userRoutes({ ...deps, verifyLive }));
  app.route("/", validateRoutes(verifyLive));
  app.route("/", jwksRoutes(deps.publicKeys));
  app.route("/", revocationRoutes(deps.revocations));
}
