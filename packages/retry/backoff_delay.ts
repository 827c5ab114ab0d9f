/** Options for {@linkcode backoffDelay}. */
export interface BackoffOptions {
  /** The first delay, in ms. */
  baseMs: number;
  /** The longest delay, in ms. */
  maxMs: number;
  /**
   * Spread the delay over its upper half (×0.5–1.0) so that many clients that failed together do
   * not retry together; defaults to false.
   */
  jitter?: boolean;
}

/**
 * The wait before retry number `attempt` (0 for the first retry): `baseMs` doubled per attempt,
 * capped at `maxMs`, with optional jitter. The one backoff of the project: polling workers, the
 * billing dispatcher, the mail sender, the Kafka consumer's reconnects and the database pool's.
 *
 * @example
 * ```ts
 * backoffDelay(3, { baseMs: 100, maxMs: 10_000 }); // 800
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const delay = Math.min(options.baseMs * 2 ** Math.max(0, attempt), options.maxMs);
  return options.jitter ? Math.round(delay * (0.5 + Math.random() / 2)) : delay;
}
