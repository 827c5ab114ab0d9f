import { InvalidTokenError, type TokenClaims } from "@pms/jwt";
import type { Logger } from "@pms/log";
import type { Revocation } from "./revocation_page.ts";

/** Options for {@linkcode RevocationState}. */
export interface RevocationStateOptions {
  /** Where the staleness warning and its recovery are written. */
  logger: Logger;
  /** Unheard this long, the source is stale; defaults to 30 s. */
  staleAfterMs?: number;
  /** While the source is stale, tokens issued longer ago than this are refused; defaults to 60 s. */
  staleMaxTokenAgeMs?: number;
  /** The clock, in epoch milliseconds (tests pass a fake one). */
  now?: () => number;
}

/**
 * What one service instance knows of ended sessions, and since when: the revocations heard from
 * auth (each kept only until every token it refuses has expired, so memory is bounded by the
 * revocations of one token lifetime), and the time the source was last heard.
 *
 * {@linkcode check} refuses a token of an ended session, a token of a revoked user issued before
 * the revocation, and — while the source has not been heard for `staleAfterMs` (or not yet at
 * all) — any token issued more than `staleMaxTokenAgeMs` ago, rather than trusting stale state.
 * A stale spell is logged once (a warning when it has lasted `staleAfterMs`, an info line when
 * the source is heard again); a service that has just started and not yet heard is quiet.
 */
export class RevocationState {
  readonly #logger: Logger;
  readonly #staleAfterMs: number;
  readonly #staleMaxTokenAgeMs: number;
  readonly #now: () => number;
  readonly #startedAt: number;
  /** Session id → epoch seconds when the entry can go. */
  readonly #sessions = new Map<string, number>();
  /** User id → tokens issued before `issuedBefore` are refused, until `expires`. */
  readonly #users = new Map<string, { issuedBefore: number; expires: number }>();
  #heardAt: number | undefined;
  #staleLogged = false;

  /** Starts empty and not yet heard. */
  constructor(options: RevocationStateOptions) {
    this.#logger = options.logger;
    this.#staleAfterMs = options.staleAfterMs ?? 30_000;
    this.#staleMaxTokenAgeMs = options.staleMaxTokenAgeMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
  }

  /** Records what the source answered and that it was heard now; drops expired entries. */
  heard(revocations: Revocation[]): void {
    const now = this.#now();
    for (const entry of revocations) {
      if ("sessionId" in entry) {
        this.#sessions.set(
          entry.sessionId,
          Math.max(entry.expires, this.#sessions.get(entry.sessionId) ?? 0),
        );
      } else {
        const known = this.#users.get(entry.userId);
        this.#users.set(entry.userId, {
          issuedBefore: Math.max(entry.issuedBefore, known?.issuedBefore ?? 0),
          expires: Math.max(entry.expires, known?.expires ?? 0),
        });
      }
    }
    const nowSeconds = now / 1000;
    for (const [id, expires] of this.#sessions) {
      if (expires < nowSeconds) this.#sessions.delete(id);
    }
    for (const [id, { expires }] of this.#users) {
      if (expires < nowSeconds) this.#users.delete(id);
    }
    if (this.#staleLogged) {
      this.#logger.info("revocation source heard again: tokens are checked against it", {
        unheardMs: now - (this.#heardAt ?? this.#startedAt),
      });
      this.#staleLogged = false;
    }
    this.#heardAt = now;
  }

  /** True while the source has not been heard for `staleAfterMs`, or not yet at all. */
  get stale(): boolean {
    return this.#heardAt === undefined || this.#now() - this.#heardAt > this.#staleAfterMs;
  }

  /** How many revocations are held. */
  get size(): number {
    return this.#sessions.size + this.#users.size;
  }

  /**
   * Writes the staleness warning once per stale spell, when the source has gone unheard for
   * `staleAfterMs` (counted from the start when it was never heard).
   */
  noteStaleness(): void {
    const unheardMs = this.#now() - (this.#heardAt ?? this.#startedAt);
    if (this.#staleLogged || unheardMs <= this.#staleAfterMs) return;
    this.#staleLogged = true;
    this.#logger.warn(
      "revocation source not heard: tokens issued longer ago than the limit are refused",
      { unheardMs, maxTokenAgeMs: this.#staleMaxTokenAgeMs },
    );
  }

  /** Throws {@linkcode InvalidTokenError} when the token must be refused (see the class). */
  check(claims: TokenClaims): void {
    if (this.#sessions.has(claims.sid)) throw new InvalidTokenError("Session ended");
    const user = this.#users.get(claims.uid);
    if (user && claims.iat < user.issuedBefore) throw new InvalidTokenError("Session ended");
    if (this.stale && this.#now() - claims.iat * 1000 > this.#staleMaxTokenAgeMs) {
      this.noteStaleness();
      throw new InvalidTokenError("Revocation state is stale");
    }
  }
}
