/**
 * The security headers of every API answer (JSON, every path but `/docs`), as `securityHeaders`
 * sets them through Hono's `secureHeaders` (see there for why these five), names in lower case,
 * for the answers `proxyFastPath` writes itself. `security_headers_test.ts` checks that both give
 * the same set.
 */
export const API_SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ["content-security-policy", "default-src 'none'; frame-ancestors 'none'"],
  ["cross-origin-resource-policy", "same-origin"],
  ["strict-transport-security", "max-age=15552000; includeSubDomains"],
  ["x-content-type-options", "nosniff"],
  ["x-frame-options", "DENY"],
];
