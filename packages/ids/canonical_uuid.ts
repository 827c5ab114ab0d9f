import { isUuid } from "./is_uuid.ts";

// Which character codes below 128 are lower-case hex digits.
const LOWER_HEX = new Uint8Array(128);
for (const digit of "0123456789abcdef") LOWER_HEX[digit.charCodeAt(0)] = 1;

/** True for a UUID already in its canonical lower-case form; a loop over the codes, no regex. */
function isLowerUuid(value: string): boolean {
  if (
    value.length !== 36 || value.charCodeAt(8) !== 45 || value.charCodeAt(13) !== 45 ||
    value.charCodeAt(18) !== 45 || value.charCodeAt(23) !== 45
  ) return false;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    const code = value.charCodeAt(i);
    if (code > 127 || LOWER_HEX[code] === 0) return false;
  }
  return true;
}

/**
 * `value` as a canonical lower-case UUID when it is a UUID in any case (see
 * {@linkcode isUuid}), else undefined. A value already in lower case is returned as it is, without
 * a copy: the cheap answer for ids a service wrote itself, which it reads many of per request.
 */
export function canonicalUuid(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length !== 36) return undefined;
  if (isLowerUuid(value)) return value;
  return isUuid(value) ? value.toLowerCase() : undefined;
}
