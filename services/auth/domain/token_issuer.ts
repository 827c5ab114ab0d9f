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

/**
 * Signs access tokens: `sub` = email, `uid`, `role`, `sid` (the session), `iat`, `exp`, `iss`,
 * `aud`, `jti`; `kid` in the header.
 */
export function createTokenIssuer(options: TokenIssuerOptions) {
  return function issueToken(user: TokenSubject, sessionId: string): Promise<string> {
    return new SignJWT({ uid: user.id, role: user.role, sid: sessionId })
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
