/** Options for {@linkcode createLoginThrottle}. */
export interface LoginThrottleOptions {
  /** Failures allowed for one email from one client within the window. */
  maxPerEmail: number;
  /** Failures allowed per client address within the window, over all emails. */
  maxPerClient: number;
  windowMs: number;
  /**
   * Failures allowed for one email from all clients together within `globalWindowMs`: the ceiling
   * against guessing spread over many addresses. Much higher than `maxPerEmail`.
   */
  maxPerEmailGlobal: number;
  globalWindowMs: number;
  /** Entries kept at most; the oldest are dropped first. */
  maxEntries?: number;
  /** The clock, injectable for tests. */
  now?: () => number;
}

/** What {@linkcode LoginThrottle.fail} observed. */
export interface FailureOutcome {
  /** True when this failure made the email reach its global ceiling (a security event). */
  ceilingReached: boolean;
}

/** Counts failed logins and says when to refuse. */
export interface LoginThrottle {
  /** Seconds to wait before another try is allowed, or 0 when a try is allowed now. */
  retryAfter(email: string, client: string): number;
  /** Records a failed login. */
  fail(email: string, client: string): FailureOutcome;
  /** Forgets this client's failures for the email after a successful login. */
  succeed(email: string, client: string): void;
}

interface Entry {
  count: number;
  resetAt: number;
}

/**
 * Fixed-window failure counters, kept so that a stranger cannot lock a clinician out (NIST SP
 * 800-63B §5.2.2):
 * - per (email, client): a client that keeps failing for an email waits; other clients, the
 *   clinician's own among them, are not affected;
 * - per client, over all emails: one address spraying many accounts waits;
 * - per email, over all clients: a much higher ceiling against guessing spread over many
 *   addresses; reaching it stops every client for that email until its window ends, and is
 *   reported as a security event.
 *
 * The counters live in this process (a bounded Map): with several auth instances each counts on
 * its own, so a shared store (PostgreSQL or Redis) would be needed to make the limits global.
 */
export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 100_000;
  const entries = new Map<string, Entry>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.resetAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const bump = (key: string, windowMs: number): number => {
    const entry = live(key);
    if (entry) return ++entry.count;
    if (entries.size >= maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    entries.set(key, { count: 1, resetAt: now() + windowMs });
    return 1;
  };
  const wait = (key: string, max: number) => {
    const entry = live(key);
    return entry && entry.count >= max ? Math.ceil((entry.resetAt - now()) / 1000) : 0;
  };

  return {
    retryAfter(email, client) {
      return Math.max(
        wait(`ec:${email}\n${client}`, options.maxPerEmail),
        wait(`c:${client}`, options.maxPerClient),
        wait(`e:${email}`, options.maxPerEmailGlobal),
      );
    },
    fail(email, client) {
      bump(`ec:${email}\n${client}`, options.windowMs);
      bump(`c:${client}`, options.windowMs);
      const global = bump(`e:${email}`, options.globalWindowMs);
      return { ceilingReached: global === options.maxPerEmailGlobal };
    },
    succeed(email, client) {
      entries.delete(`ec:${email}\n${client}`);
    },
  };
}
