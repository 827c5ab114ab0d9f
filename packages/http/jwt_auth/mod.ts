import type { MiddlewareHandler } from "hono";
import type { TokenClaims } from "@pms/jwt";
import type { AppEnv } from "../app_env.ts";
import { jsonError } from "../json_error.ts";

/** Options for {@linkcode jwtAuth}. */
export interface JwtAuthOptions {
  /** Verifies a compact token; rejects when it is invalid (see `createTokenVerifier`). */
  verify: (token: string) => Promise<TokenClaims>;
}

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * Requires `Authorization: Bearer <token>` with a valid token and sets `user` on the context.
 * Missing or invalid → `401 {"message"}` with `WWW-Authenticate`; keys unreachable → `503`.
 */
export function jwtAuth(options: JwtAuthOptions): MiddlewareHandler<AppEnv> {
  return async function jwtAuth(c, next) {
    const match = BEARER.exec(c.req.header("Authorization") ?? "");
    if (!match?.[1]) {
      throw jsonError(401, "Missing or malformed bearer token", {
        "WWW-Authenticate": 'Bearer realm="patient-management"',
      });
    }
    let claims: TokenClaims;
    try {
      claims = await options.verify(match[1]);
    } catch (error) {
      if (error instanceof Error && error.name === "KeysUnavailableError") {
        throw jsonError(503, "Authentication keys are unavailable", { "Retry-After": "1" });
      }
      throw jsonError(401, "Invalid or expired token", {
        "WWW-Authenticate": 'Bearer realm="patient-management", error="invalid_token"',
      });
    }
    c.set("user", claims);
    await next();
  };
}
