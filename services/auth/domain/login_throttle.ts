/** Options for {@linkcode createLoginThrottle}. */
export interface LoginThrottleOptions {
  /** Failures allowed per email within the window. */
  maxPerEmail: number;
  /** Failures allowed per client address within the window (higher: a clinic shares one NAT). */
  maxPerClient: number;
  windowMs: number;
  /** Entries kept at most; the oldest are dropped first. */
  maxEntries?: number;
  /** The clock, injectable for tests. */
  now?: () => number;
}

/** Counts failed logins and says when to refuse. */
export interface LoginThrottle {
  /** Seconds to wait before another try is allowed, or 0 when a try is allowed now. */
  retryAfter(email: string, client: string): number;
  /** Records a failed login. */
  fail(email: string, client: string): void;
  /** Forgets the email's failures after a successful login. */
  succeed(email: string): void;
}

interface Entry {
  count: number;
  resetAt: number;
}

/**
 * Fixed-window failure counters per email and per client address. The counters live in this
 * process (a bounded Map): with several auth instances each counts on its own, so a shared store
 * (PostgreSQL or Redis) would be needed to make the limit global.
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
  const bump = (key: string) => {
    const entry = live(key);
    if (entry) {
      entry.count++;
      return;
    }
    if (entries.size >= maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    entries.set(key, { count: 1, resetAt: now() + options.windowMs });
  };
  const wait = (key: string, max: number) => {
    const entry = live(key);
    return entry && entry.count >= max ? Math.ceil((entry.resetAt - now()) / 1000) : 0;
  };

  return {
    retryAfter(email, client) {
      return Math.max(
        wait(`e:${email}`, options.maxPerEmail),
        wait(`c:${client}`, options.maxPerClient),
      );
    },
    fail(email, client) {
      bump(`e:${email}`);
      bump(`c:${client}`);
    },
    succeed(email) {
      entries.delete(`e:${email}`);
    },
  };
}
