/**
 * Verifying the access tokens issued by the auth service: signature against auth's JWKS,
 * algorithm pinned, issuer, audience, expiry and not-before checked.
 *
 * @module
 */
export { createTokenVerifier, type TokenVerifierOptions } from "./create_token_verifier.ts";
export { InvalidTokenError } from "./invalid_token_error.ts";
export { KeysUnavailableError } from "./keys_unavailable_error.ts";
export { type Role, ROLES, type TokenClaims, tokenClaimsSchema } from "./token_claims.ts";
export { TOKEN_ALGORITHM } from "./token_algorithm.ts";
