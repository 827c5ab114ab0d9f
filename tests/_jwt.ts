/**
 * Token pieces for the tests that forge, doctor and take apart JWTs: base64url both ways, a
 * decoded part, and an admin token signed with a key of the test's choosing.
 *
 * @module
 */
import { SignJWT } from "jose";

/** The `iss` auth puts in its tokens. */
export const ISSUER = "patient-management-auth";
/** The `aud` auth puts in its tokens. */
export const AUDIENCE = "patient-management";

/** Base64url without padding, of text (UTF-8) or bytes. */
export function b64url(value: string | Uint8Array): string {
  const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value;
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** The bytes of base64url text. */
export function fromB64url(value: string): Uint8Array {
  const text = atob(value.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

/** A token's header or payload part, decoded. */
export function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(fromB64url(part)));
}

/**
 * An ADMIN token for `subject` with auth's issuer and audience, valid for five minutes, with
 * `header` as its protected header and signed with `key`: what an attacker would make.
 */
export function adminToken(
  key: CryptoKey | Uint8Array,
  header: { alg: string; kid: string; typ?: string },
  subject = "testuser@test.com",
): Promise<string> {
  return new SignJWT({ role: "ADMIN", uid: crypto.randomUUID(), sid: crypto.randomUUID() })
    .setProtectedHeader(header)
    .setSubject(subject).setIssuer(ISSUER).setAudience(AUDIENCE)
    .setIssuedAt().setExpirationTime("5m").sign(key);
}
