import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createTokenVerifier, type TokenClaims } from "@pms/jwt";

/** A signing key, the verifier that trusts it, and a valid token, for app tests. */
export interface TestTokens {
  /** Verifies tokens as the services do (EdDSA, `kid` "k", issuer "i", audience "a"). */
  verify: (token: string) => Promise<TokenClaims>;
  /** A valid ADMIN token for five minutes. */
  token: string;
}

/** Makes a fresh Ed25519 key pair, its verifier and a valid token. */
export async function createTestTokens(): Promise<TestTokens> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
  const verify = createTokenVerifier({
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: "k", alg: "EdDSA" }] },
    issuer: "i",
    audience: "a",
  });
  const token = await new SignJWT({ role: "ADMIN" })
    .setProtectedHeader({ alg: "EdDSA", kid: "k" })
    .setSubject("s").setIssuer("i").setAudience("a").setIssuedAt().setExpirationTime("5m")
    .sign(privateKey);
  return { verify, token };
}
