import { decodeBase64 } from "./_base64.ts";

/** One key of `MFA_ENCRYPTION_KEY`. */
export interface MfaKey {
  /** Its id, stored with every secret it encrypted. */
  kid: string;
  /** 32 bytes (AES-256). */
  key: Uint8Array;
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Parses a keyring `kid:base64key,kid:base64key,…` (each key 32 bytes): the first key encrypts
 * new secrets, every key decrypts the secrets stored under its kid, so a key is rotated by
 * putting a new one first and dropping the old one once nothing is stored under it.
 * @throws {Error} naming what is wrong (never a key).
 */
export function parseMfaKeyring(text: string): MfaKey[] {
  const keys = text.split(",").map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const at = entry.indexOf(":");
    const kid = entry.slice(0, at);
    if (at < 0 || !KID.test(kid)) {
      throw new Error("must be kid:key,… with kids of letters, digits, - and _");
    }
    let key: Uint8Array;
    try {
      key = decodeBase64(entry.slice(at + 1));
    } catch {
      throw new Error(`key ${kid} is not base64`);
    }
    if (key.length !== 32) throw new Error(`key ${kid} must be 32 bytes (base64 of 32 bytes)`);
    return { kid, key };
  });
  if (keys.length === 0) throw new Error("must hold at least one kid:key");
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) throw new Error("repeats a kid");
  return keys;
}
