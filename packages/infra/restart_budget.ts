/** Options for {@linkcode RestartBudget}. */
export interface RestartBudgetOptions {
  /** Restarts allowed within `windowMs` (default 5). */
  max?: number;
  /** The sliding window, in milliseconds (default 60 s). */
  windowMs?: number;
  /** The clock (tests pass their own). */
  now?: () => number;
}

/**
 * How often a launcher restarts a service that exited on its own, as compose's `restart` policy
 * and ECS do: a crash now and then is restarted, a crash loop is not (past `max` restarts within
 * `windowMs` the service stays down, so a broken config or build shows instead of spinning).
 *
 * @example
 * ```ts
 * const budget = new RestartBudget({ max: 5, windowMs: 60_000 });
 * if (budget.take()) console.log("restart it");
 * ```
 */
export class RestartBudget {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #taken: number[] = [];

  /** A budget of `max` restarts per `windowMs`. */
  constructor(options: RestartBudgetOptions = {}) {
    this.#max = options.max ?? 5;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Spends one restart if the window has one left; false means leave the service down. */
  take(): boolean {
    const now = this.#now();
    while (this.#taken.length > 0 && this.#taken[0]! <= now - this.#windowMs) this.#taken.shift();
    if (this.#taken.length >= this.#max) return false;
    this.#taken.push(now);
    return true;
  }
}
