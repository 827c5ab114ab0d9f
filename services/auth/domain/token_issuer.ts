import { SignJWT } from "jose";
import { TOKEN_ALGORITHM } from "@pms/jwt";
import type { SigningKey } from "./signing_key.ts";

/** Options for {@linkcode createTokenIssuer}. */
export interface TokenIssuerOptions {
  key: SigningKey;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** Signs access tokens: `sub` = email, `role`, `iat`, `exp`, `iss`, `aud`, `jti`; `kid` in the header. */
export function createTokenIssuer(options: TokenIssuerOptions) {
  return function issueToken(user: { email: string; role: string }): Promise<string> {
    return new SignJWT({ role: user.role })
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
