import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  importPKCS8,
  type JWK,
} from "jose";
import { ConfigError } from "@pms/config";

/** The key checkpoints are signed with, and every public key older checkpoints may name. */
export interface CheckpointKeys {
  /** RFC 7638 thumbprint (SHA-256, base64url) of the signing key's public half. */
  keyId: string;
  privateKey: CryptoKey;
  /** The signing key's public half, `{kty, crv, x, kid}`: keep it to verify after a rotation. */
  publicJwk: JWK;
  /** Public keys by key id: the signing key's and those of `AUDIT_CHECKPOINT_PUBLIC_KEYS`. */
  verifying: Map<string, CryptoKey>;
  /** True when the key was generated at start (outside production, when none was given). */
  generated: boolean;
}

/** Where the keys come from (`AUDIT_CHECKPOINT_KEY`, `AUDIT_CHECKPOINT_PUBLIC_KEYS`, `APP_ENV`). */
export interface CheckpointKeySource {
  /** Ed25519 private key: PKCS8 PEM (`\n` may be written as `\\n`) or a private JWK as JSON. */
  key?: string;
  /** Earlier keys' public halves: a JWK, an array of JWKs or a JWK Set `{"keys":[…]}`, as JSON. */
  publicKeys?: string;
  appEnv: "development" | "test" | "production";
}

const PRIVATE = "AUDIT_CHECKPOINT_KEY";
const PUBLIC = "AUDIT_CHECKPOINT_PUBLIC_KEYS";

function problem(variable: string, message: string): ConfigError {
  return new ConfigError([{ variable, message }]);
}

function publicHalf(jwk: JWK): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

async function importPrivate(text: string): Promise<CryptoKey> {
  try {
    if (text.startsWith("{")) {
      const jwk = JSON.parse(text) as JWK;
      if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || !jwk.d) throw new Error("not Ed25519");
      return await importJWK(jwk, "EdDSA", { extractable: true }) as CryptoKey;
    }
    return await importPKCS8(text.replaceAll("\\n", "\n"), "EdDSA", { extractable: true });
  } catch {
    throw problem(PRIVATE, "must be an Ed25519 private key as PKCS8 PEM or a JWK");
  }
}

function publicJwks(text: string): JWK[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw problem(PUBLIC, 'must be JSON: a JWK, an array of JWKs or {"keys":[…]}');
  }
  const list = Array.isArray(parsed)
    ? parsed
    : typeof parsed === "object" && parsed !== null && "keys" in parsed &&
        Array.isArray(parsed.keys)
    ? parsed.keys
    : [parsed];
  return list.map((jwk: unknown) => {
    const candidate = jwk as JWK;
    if (
      typeof candidate !== "object" || candidate === null || candidate.kty !== "OKP" ||
      candidate.crv !== "Ed25519" || typeof candidate.x !== "string"
    ) {
      throw problem(PUBLIC, "every key must be an Ed25519 public JWK (kty OKP, crv Ed25519, x)");
    }
    return publicHalf(candidate);
  });
}

/**
 * Loads the checkpoint signing key and the public keys that verify older checkpoints. Rotation:
 * put the old key's public JWK (logged at start, `publicJwk`) into `AUDIT_CHECKPOINT_PUBLIC_KEYS`
 * and the new private key into `AUDIT_CHECKPOINT_KEY`; new checkpoints name the new key, old ones
 * still verify. A checkpoint naming a key in neither fails verification.
 *
 * @throws {ConfigError} naming `AUDIT_CHECKPOINT_KEY` when it is missing in production or is not
 * an Ed25519 private key, or `AUDIT_CHECKPOINT_PUBLIC_KEYS` when a key there is not Ed25519.
 */
export async function loadCheckpointKeys(source: CheckpointKeySource): Promise<CheckpointKeys> {
  const text = source.key?.trim();
  let privateKey: CryptoKey;
  let generated = false;
  if (text) {
    privateKey = await importPrivate(text);
  } else if (source.appEnv === "production") {
    throw problem(PRIVATE, "is required in production");
  } else {
    ({ privateKey } = await generateKeyPair("EdDSA", { extractable: true }));
    generated = true;
  }
  const own = publicHalf(await exportJWK(privateKey));
  const keyId = await calculateJwkThumbprint(own);
  const verifying = new Map<string, CryptoKey>();
  const others = source.publicKeys?.trim() ? publicJwks(source.publicKeys.trim()) : [];
  for (const jwk of [own, ...others]) {
    try {
      const key = await importJWK(jwk, "EdDSA") as CryptoKey;
      verifying.set(await calculateJwkThumbprint(jwk), key);
    } catch {
      throw problem(PUBLIC, "every key must be an Ed25519 public JWK (kty OKP, crv Ed25519, x)");
    }
  }
  return { keyId, privateKey, publicJwk: { ...own, kid: keyId }, verifying, generated };
}
