/**
 * Auth's revocation list beside its key set: `…/.well-known/jwks.json` → `…/revocations` (a
 * path prefix before `/.well-known` is kept).
 */
export function revocationsUrl(jwksUrl: string): string {
  return new URL("../revocations", jwksUrl).href;
}
