import { createTokenVerifier } from "@pms/jwt";
import type { Logger } from "@pms/log";
import { createRevocationFeed, RevocationState, revocationsUrl } from "@pms/revocation";
import type { BackgroundWork, ServiceConfig, VerifyToken } from "./service_manifest.ts";

/** The token check a service runs, and the revocation feed that keeps it current. */
export interface TokenWiring {
  /** Signature, claims, then the revocation list (and its staleness rule). */
  verify: VerifyToken;
  /** Polls auth's revocation list; started (one answer awaited) before the server. */
  feed: BackgroundWork;
}

/**
 * Builds a token-verifying service's check: auth's JWKS for signatures (cached), and auth's
 * revocation list, polled every `REVOCATION_POLL_MS`, so a session ended at auth is refused here
 * within a poll; unheard for `REVOCATION_STALE_SECONDS`, tokens issued more than
 * `REVOCATION_STALE_MAX_TOKEN_AGE_SECONDS` ago are refused.
 */
export function tokenWiring(
  config: ServiceConfig & { AUTH_JWKS_URL: string },
  logger: Logger,
): TokenWiring {
  const signed = createTokenVerifier({
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.JWT_ISSUER ?? "",
    audience: config.JWT_AUDIENCE ?? "",
  });
  const state = new RevocationState({
    logger,
    staleAfterMs: (config.REVOCATION_STALE_SECONDS ?? 30) * 1000,
    staleMaxTokenAgeMs: (config.REVOCATION_STALE_MAX_TOKEN_AGE_SECONDS ?? 60) * 1000,
  });
  const feed = createRevocationFeed({
    url: config.AUTH_REVOCATIONS_URL ?? revocationsUrl(config.AUTH_JWKS_URL),
    state,
    logger,
    pollMs: config.REVOCATION_POLL_MS,
  });
  return {
    async verify(token) {
      const claims = await signed(token);
      state.check(claims);
      return claims;
    },
    feed,
  };
}
