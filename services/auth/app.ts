import { OpenAPIHono } from "@hono/zod-openapi";
import type { JWK } from "jose";
import type { TokenClaims } from "@pms/jwt";
import type { Logger } from "@pms/log";
import { type AppEnv, bodyLimit, finishServiceApp, requestContext, requireJson } from "@pms/http";
import { type LoginDeps, loginRoutes } from "./routes/login.ts";
import { validateRoutes } from "./routes/validate.ts";
import { jwksRoutes } from "./routes/jwks.ts";

/** What the auth app needs. */
export interface AuthDeps extends LoginDeps {
  logger: Logger;
  /** Verifies tokens against this service's own public keys. */
  verify: (token: string) => Promise<TokenClaims>;
  /** The public keys published at `/.well-known/jwks.json`. */
  publicKeys: JWK[];
  maxBodyBytes: number;
  /** True when the database answers. */
  ping: () => Promise<boolean>;
}

/** The auth service: login, validate, JWKS, health and its OpenAPI document. */
export function createApp(deps: AuthDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.use(requestContext({ logger: deps.logger }));
  app.use(bodyLimit({ maxBytes: deps.maxBodyBytes }));
  app.use(requireJson());
  app.get(
    "/health",
    async (c) => (await deps.ping()) ? c.json({ status: "UP" }) : c.json({ status: "DOWN" }, 503),
  );
  app.route("/", loginRoutes(deps));
  app.route("/", validateRoutes(deps.verify));
  app.route("/", jwksRoutes(deps.publicKeys));
  return finishServiceApp(app, { title: "Auth Service API", logger: deps.logger });
}
