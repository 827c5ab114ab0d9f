import { SignJWT } from "jose";
import { type Role, TOKEN_ALGORITHM } from "@pms/jwt";
import type { SigningKey } from "./signing_key.ts";

/** Options for {@linkcode createTokenIssuer}. */
export interface TokenIssuerOptions {
  key: SigningKey;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** The user a token is for. */
export interface TokenSubject {
  id: string;
  email: string;
  role: Role;
}

/** How a token's session authenticated, and whether the token only allows MFA enrolment. */
export interface TokenGrant {
  /** `["pwd"]` or `["pwd","otp"]` (RFC 8176 method names). */
  amr: string[];
  /** The user's role requires MFA and the user has none yet: claim `mfa_enroll`. */
  enrollmentOnly: boolean;
}

/**
 * Signs access tokens: `sub` = email, `uid`, `role`, `sid` (the session), `amr`, `iat`, `exp`,
 * `iss`, `aud`, `jti`, and `mfa_enroll: true` on an enrolment-only token; `kid` in the header.
 */
export function createTokenIssuer(options: TokenIssuerOptions) {
  return function issueToken(
    user: TokenSubject,
    sessionId: string,
    grant: TokenGrant = { amr: ["pwd"], enrollmentOnly: false },
  ): Promise<string> {
    return new SignJWT({
      uid: user.id,
      role: user.role,
      sid: sessionId,
      amr: grant.amr,
      ...(grant.enrollmentOnly && { mfa_enroll: true }),
    })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: options.key.kid, typ: "JWT" })
      .setSubject(user.email)
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setIssuedAt()
      .setExpirationTime(`${options.ttlSeconds}s`)
      .setJti(crypto.randomUUID())
      .sign(options.key.privateKey);
  };
}
