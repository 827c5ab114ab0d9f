import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  jwtVerify,
  type JWTVerifyGetKey,
} from "jose";
import { InvalidTokenError } from "./invalid_token_error.ts";
import { KeysUnavailableError } from "./keys_unavailable_error.ts";
import { type TokenClaims, tokenClaimsSchema } from "./token_claims.ts";
import { TOKEN_ALGORITHM } from "./token_algorithm.ts";

/** Options for {@linkcode createTokenVerifier}: give either `jwksUrl` or `jwks`. */
export interface TokenVerifierOptions {
  /** Auth's `/.well-known/jwks.json`; fetched lazily, cached, refetched on an unknown `kid`. */
  jwksUrl?: string;
  /** A key set held in memory (auth itself, tests). */
  jwks?: JSONWebKeySet;
  /** Expected `iss`. */
  issuer: string;
  /** Expected `aud`. */
  audience: string;
  /** Allowed clock difference in seconds; defaults to 5. */
  clockToleranceSeconds?: number;
  /** How long fetched keys are trusted, in ms; defaults to 10 minutes. */
  jwksCacheMs?: number;
  /** Timeout of a JWKS fetch in ms; defaults to 2000. */
  jwksTimeoutMs?: number;
  /**
   * How long a verified token is remembered, in ms (never past its `exp`); defaults to 60 s.
   * A client sends the same token on every request, so the signature check is done once per
   * token and minute instead of per request. 0 turns the cache off.
   */
  verifiedCacheMs?: number;
  /** How many verified tokens are remembered at most; defaults to 10,000. */
  verifiedCacheSize?: number;
}

/**
 * Returns a function that verifies a compact JWS and resolves to its validated claims, or rejects
 * with {@linkcode InvalidTokenError}, or with {@linkcode KeysUnavailableError} when the JWKS
 * could not be fetched.
 */
export function createTokenVerifier(
  options: TokenVerifierOptions,
): (token: string) => Promise<TokenClaims> {
  let keys: JWTVerifyGetKey;
  if (options.jwks) {
    keys = createLocalJWKSet(options.jwks);
  } else if (options.jwksUrl) {
    keys = createRemoteJWKSet(new URL(options.jwksUrl), {
      cacheMaxAge: options.jwksCacheMs ?? 10 * 60_000,
      cooldownDuration: 5_000,
      timeoutDuration: options.jwksTimeoutMs ?? 2_000,
    });
  } else {
    throw new TypeError("createTokenVerifier() needs jwksUrl or jwks");
  }

  const cacheMs = options.verifiedCacheMs ?? 60_000;
  const cacheSize = options.verifiedCacheSize ?? 10_000;
  const tolerance = (options.clockToleranceSeconds ?? 5) * 1000;
  // Only tokens that passed every check are remembered, keyed by the whole compact token: any
  // change to it is a cache miss and a full verification.
  const verified = new Map<string, { claims: TokenClaims; until: number }>();

  return async function verifyToken(token: string): Promise<TokenClaims> {
    const hit = verified.get(token);
    if (hit) {
      if (Date.now() < hit.until) return hit.claims;
      verified.delete(token);
    }
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: options.clockToleranceSeconds ?? 5,
        requiredClaims: ["sub", "iat", "exp"],
      }));
    } catch (error) {
      // The token may be fine: we could not fetch the keys to tell. That is a 503, not a 401.
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        throw new KeysUnavailableError({ cause: error });
      }
      throw new InvalidTokenError("Invalid or expired token", { cause: error });
    }
    const claims = tokenClaimsSchema.safeParse(payload);
    if (!claims.success) throw new InvalidTokenError("Invalid token claims");
    // jose checks `iat` only against a maximum age; a token issued in the future is refused here.
    if (claims.data.iat > Date.now() / 1000 + (options.clockToleranceSeconds ?? 5)) {
      throw new InvalidTokenError("Token issued in the future");
    }
    if (cacheMs > 0) {
      if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
      const until = Math.min(Date.now() + cacheMs, claims.data.exp * 1000 + tolerance);
      verified.set(token, { claims: claims.data, until });
    }
    return claims.data;
  };
}
