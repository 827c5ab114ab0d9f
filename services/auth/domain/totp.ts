/**
 * RFC 6238 TOTP as the contract fixes it: HMAC-SHA-1, 6 digits, 30 s steps, one step either side
 * accepted. Written on WebCrypto (about thirty lines) rather than taken from a library: the HMAC
 * is the platform's, and the rest is RFC 4226's dynamic truncation.
 */

/** Seconds per step. */
export const TOTP_PERIOD = 30;
/** Digits of a code. */
export const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one (clock drift, a code typed as it rolls over). */
export const TOTP_WINDOW = 1;

/** The RFC 4226 HOTP value of `counter` under `secret`, as `digits` decimal digits. */
export async function hotp(
  secret: Uint8Array,
  counter: number,
  digits: number = TOTP_DIGITS,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    secret as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  const message = new DataView(new ArrayBuffer(8));
  message.setUint32(0, Math.floor(counter / 2 ** 32));
  message.setUint32(4, counter >>> 0);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message.buffer));
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) |
    (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/** The TOTP step a time (ms since the epoch) falls in. */
export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD);
}

/**
 * The step whose code `code` is, within one step of `nowMs`, or undefined. Every candidate is
 * computed and compared, so the time taken does not tell which step matched.
 */
export async function matchTotp(
  secret: Uint8Array,
  code: string,
  nowMs: number = Date.now(),
): Promise<number | undefined> {
  if (!/^[0-9]{6}$/.test(code)) return undefined;
  const current = totpStep(nowMs);
  let matched: number | undefined;
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
    if (equal(await hotp(secret, step), code) && matched === undefined) matched = step;
  }
  return matched;
}

/** Compares two codes of equal length in time independent of where they differ. */
function equal(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
