import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createTokenVerifier, type Role, type TokenClaims } from "@pms/jwt";

/** A signing key, the verifier that trusts it, and valid tokens, for app tests. */
export interface TestTokens {
  /** Verifies tokens as the services do (EdDSA, `kid` "k", issuer "i", audience "a"). */
  verify: (token: string) => Promise<TokenClaims>;
  /** A valid ADMIN token for five minutes. */
  token: string;
  /** A valid token of `role` for five minutes. */
  tokenFor(role: Role): Promise<string>;
}

/** Makes a fresh Ed25519 key pair, its verifier and valid tokens, shaped as auth issues them. */
export async function createTestTokens(): Promise<TestTokens> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
  const verify = createTokenVerifier({
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: "k", alg: "EdDSA" }] },
    issuer: "i",
    audience: "a",
  });
  const tokenFor = (role: Role) =>
    new SignJWT({ role, uid: crypto.randomUUID(), sid: crypto.randomUUID() })
      .setProtectedHeader({ alg: "EdDSA", kid: "k" })
      .setSubject(`${role.toLowerCase()}@test.com`).setIssuer("i").setAudience("a")
      .setIssuedAt().setExpirationTime("5m")
      .sign(privateKey);
  return { verify, token: await tokenFor("ADMIN"), tokenFor };
}
