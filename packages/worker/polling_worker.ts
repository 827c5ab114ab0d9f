import type { Logger } from "@pms/log";
import { backoffDelay, worthLogging } from "@pms/retry";

/** Options for {@linkcode createPollingWorker}. */
export interface PollingWorkerOptions {
  /** Written on log lines, for example `outbox-relay`. */
  name: string;
  /**
   * One round of work; resolves with how many items it handled. A positive count makes the
   * next round start at once; zero waits `pollMs`; a rejection waits the backoff.
   */
  round: () => Promise<number>;
  /** Idle wait between rounds. */
  pollMs: number;
  /** First wait after a failed round; doubled per failure in a row. Defaults to 200 ms. */
  retryBaseMs?: number;
  /** Longest wait after failures. Defaults to 10 s. */
  retryMaxMs?: number;
  logger: Logger;
}

/** A running (or stopped) polling worker. */
export interface PollingWorker {
  /** Starts the rounds. */
  start(): void;
  /** Runs the next round now instead of at the next poll (after new work was queued). */
  wake(): void;
  /** Stops scheduling rounds and waits for the current one. */
  stop(): Promise<void>;
  /** Failed rounds in a row (0 when the last one succeeded). */
  readonly failures: number;
}

/**
 * Runs `round` in the background, one round at a time. Rounds never overlap: a `wake()` during a
 * round schedules the next one right after it.
 */
export function createPollingWorker(options: PollingWorkerOptions): PollingWorker {
  const retryBase = options.retryBaseMs ?? 200;
  const retryMax = options.retryMaxMs ?? 10_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: Promise<void> | undefined;
  let stopped = true;
  let failures = 0;
  let woken = false;

  function schedule(ms: number) {
    clearTimeout(timer);
    timer = undefined;
    if (stopped) return;
    timer = setTimeout(tick, ms);
  }

  function tick() {
    timer = undefined;
    woken = false;
    current = options.round().then(
      (handled) => {
        if (failures > 0) options.logger.info(`${options.name} recovered`, { failures });
        failures = 0;
        schedule(handled > 0 || woken ? 0 : options.pollMs);
      },
      (error) => {
        failures++;
        const delay = backoffDelay(failures - 1, { baseMs: retryBase, maxMs: retryMax });
        if (worthLogging(failures)) {
          options.logger.warn(`${options.name} round failed`, {
            err: error,
            failures,
            retryInMs: delay,
          });
        }
        schedule(delay);
      },
    ).finally(() => {
      current = undefined;
    });
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    wake() {
      if (stopped) return;
      if (current) woken = true;
      else if (failures === 0) schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await current;
    },
    get failures() {
      return failures;
    },
  };
}
