import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  type JWK,
} from "jose";
import { ConfigError } from "@pms/config";
import { TOKEN_ALGORITHM } from "@pms/jwt";

/** The key tokens are signed with, and its public half as a JWK. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** `{kty, crv, x, kid, alg, use}`: what `/.well-known/jwks.json` publishes. */
  publicJwk: JWK;
  /** True when the key was generated at start (development only). */
  generated: boolean;
}

/** Where the key comes from. */
export interface SigningKeySource {
  pem?: string;
  file?: string;
  kid?: string;
  /** Without a key, production is a configuration error; elsewhere a key is generated. */
  appEnv: "development" | "test" | "production";
}

/**
 * Loads the Ed25519 private key from PEM text or a file, or generates one outside production.
 *
 * @throws {ConfigError} naming `JWT_PRIVATE_KEY` or `JWT_PRIVATE_KEY_FILE` when the key is
 * missing in production, unreadable or not an Ed25519 PKCS8 key.
 */
export async function loadSigningKey(source: SigningKeySource): Promise<SigningKey> {
  let pem = source.pem?.replaceAll("\\n", "\n");
  let variable = "JWT_PRIVATE_KEY";
  if (!pem && source.file) {
    variable = "JWT_PRIVATE_KEY_FILE";
    try {
      pem = await Deno.readTextFile(source.file);
    } catch {
      throw new ConfigError([{ variable, message: "cannot read the key file" }]);
    }
  }
  let privateKey: CryptoKey;
  let generated = false;
  if (pem) {
    try {
      privateKey = await importPKCS8(pem.trim(), TOKEN_ALGORITHM, { extractable: true });
    } catch {
      throw new ConfigError([{ variable, message: "must be an Ed25519 private key in PKCS8 PEM" }]);
    }
  } else if (source.appEnv === "production") {
    throw new ConfigError([{ variable, message: "is required in production" }]);
  } else {
    ({ privateKey } = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true }));
    generated = true;
  }
  const jwk = await exportJWK(privateKey);
  const publicJwk: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  const kid = source.kid || await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    privateKey,
    publicJwk: { ...publicJwk, kid, alg: TOKEN_ALGORITHM, use: "sig" },
    generated,
  };
}

/** Exports a key as PKCS8 PEM (for tests and tooling). */
export function toPem(key: CryptoKey): Promise<string> {
  return exportPKCS8(key);
}
