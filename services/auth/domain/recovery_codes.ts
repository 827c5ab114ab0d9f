import { encodeBase32 } from "./_base32.ts";

/** How many recovery codes a verified enrolment gives. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * Ten fresh recovery codes, `xxxxx-xxxxx` in lower-case base32: 50 random bits each, which is
 * why a plain SHA-256 (see {@linkcode hashRecoveryCode}) stores them safely, without a slow hash.
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const text = encodeBase32(crypto.getRandomValues(new Uint8Array(7))).slice(0, 10)
      .toLowerCase();
    return `${text.slice(0, 5)}-${text.slice(5)}`;
  });
}

/**
 * What is stored of a recovery code: SHA-256 of the user's id and the code as typed, without
 * case, spaces or dashes.
 */
export async function hashRecoveryCode(userId: string, code: string): Promise<Uint8Array> {
  const normal = code.replace(/[\s-]/g, "").toLowerCase();
  const bytes = new TextEncoder().encode(`${userId}:${normal}`);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}
