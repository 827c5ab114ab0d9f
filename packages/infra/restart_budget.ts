/** Options for {@linkcode RestartBudget}. */
export interface RestartBudgetOptions {
  /** Restarts of one service allowed within `windowMs` (default 5). */
  max?: number;
  /** The sliding window, in milliseconds (default 60 s). */
  windowMs?: number;
  /** The clock (tests pass their own). */
  now?: () => number;
}

/**
 * How often a launcher restarts a service that exited on its own, as compose's `restart` policy
 * and ECS do: a crash now and then is restarted, a crash loop is not (past `max` restarts of one
 * service within `windowMs` it stays down, so a broken config or build shows instead of spinning).
 *
 * @example
 * ```ts
 * const budget = new RestartBudget({ max: 5, windowMs: 60_000 });
 * if (budget.take("billing")) console.log("restart billing");
 * ```
 */
export class RestartBudget {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #taken = new Map<string, number[]>();

  /** A budget of `max` restarts per service per `windowMs`. */
  constructor(options: RestartBudgetOptions = {}) {
    this.#max = options.max ?? 5;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Spends one of `service`'s restarts if its window has one left; false: leave it down. */
  take(service: string): boolean {
    const now = this.#now();
    const taken = (this.#taken.get(service) ?? []).filter((at) => at > now - this.#windowMs);
    this.#taken.set(service, taken);
    if (taken.length >= this.#max) return false;
    taken.push(now);
    return true;
  }
}
