import type { MiddlewareHandler } from "hono";
import type { TokenClaims } from "@pms/jwt";
import type { AppEnv } from "../app_env.ts";
import { jsonError } from "../json_error.ts";

/** Options for {@linkcode jwtAuth}. */
export interface JwtAuthOptions {
  /** Verifies a compact token; rejects when it is invalid (see `createTokenVerifier`). */
  verify: (token: string) => Promise<TokenClaims>;
  /**
   * Accept tokens that only allow MFA enrolment (claim `mfa_enroll`): auth's own-account routes
   * `/me`, `/me/mfa/**` and `/logout`. Default false: such a token is `403`.
   */
  allowMfaEnrollment?: boolean;
}

/** The answer to an enrolment-only token anywhere it is not accepted (`403 {"message"}`). */
export const ENROLLMENT_REQUIRED = "MFA enrollment required";

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * Requires `Authorization: Bearer <token>` with a valid token and sets `user` on the context.
 * Missing or invalid → `401 {"message"}` with `WWW-Authenticate`; keys unreachable → `503`.
 * A token of a user who must enrol in MFA first (claim `mfa_enroll`) → `403 {"message":"MFA
 * enrollment required"}` unless `allowMfaEnrollment`: every service and the gateway refuse it
 * in this one place.
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
    if (claims.mfa_enroll === true && !options.allowMfaEnrollment) {
      throw jsonError(403, ENROLLMENT_REQUIRED);
    }
    await next();
  };
}
