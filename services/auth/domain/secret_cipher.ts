import { decodeBase64, encodeBase64 } from "./_base64.ts";
import type { MfaKey } from "./mfa_keyring.ts";

/** Encrypts TOTP secrets at rest. */
export interface SecretCipher {
  /** `kid:base64(iv ‖ ciphertext ‖ tag)` under the first key, bound to the user. */
  encrypt(secret: Uint8Array, userId: string): Promise<string>;
  /** The secret back. @throws {Error} for an unknown kid or a stored value that fails to open. */
  decrypt(stored: string, userId: string): Promise<Uint8Array>;
}

/**
 * AES-256-GCM with a fresh 96-bit IV per secret and the user's id as additional data, so a
 * secret copied to another user's row does not open. Each stored value names its key's kid.
 */
export async function createSecretCipher(keyring: MfaKey[]): Promise<SecretCipher> {
  const keys = new Map<string, CryptoKey>();
  for (const { kid, key } of keyring) {
    keys.set(
      kid,
      await crypto.subtle.importKey("raw", key as Uint8Array<ArrayBuffer>, "AES-GCM", false, [
        "encrypt",
        "decrypt",
      ]),
    );
  }
  const first = keyring[0];
  if (!first) throw new Error("an MFA keyring needs at least one key");
  const aad = (userId: string) => new TextEncoder().encode(userId);
  return {
    async encrypt(secret, userId) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt(
          { name: "AES-GCM", iv, additionalData: aad(userId) },
          keys.get(first.kid)!,
          secret as Uint8Array<ArrayBuffer>,
        ),
      );
      const out = new Uint8Array(iv.length + sealed.length);
      out.set(iv);
      out.set(sealed, iv.length);
      return `${first.kid}:${encodeBase64(out)}`;
    },
    async decrypt(stored, userId) {
      const at = stored.indexOf(":");
      const key = keys.get(stored.slice(0, at));
      if (at < 0 || !key) throw new Error("TOTP secret under a key not in MFA_ENCRYPTION_KEY");
      const bytes = decodeBase64(stored.slice(at + 1));
      return new Uint8Array(
        await crypto.subtle.decrypt(
          { name: "AES-GCM", iv: bytes.slice(0, 12), additionalData: aad(userId) },
          key,
          bytes.slice(12),
        ),
      );
    },
  };
}
