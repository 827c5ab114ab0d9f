import type { Logger } from "@pms/log";
import { backoffDelay } from "./backoff_delay.ts";
import { worthLogging } from "./worth_logging.ts";

/** Options for {@linkcode retryOrPark}. */
export interface RetryOrParkOptions {
  logger: Logger;
  /** The first retry delay; doubled per failed attempt (with jitter), capped at `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** The error line of a parked request. */
  parkedMessage: string;
  /** The warning of a request to retry, logged when {@linkcode worthLogging} says so. */
  retryMessage: string;
}

/** A failed attempt at a queued request. */
export interface FailedAttempt {
  /** What the attempt threw. */
  error: unknown;
  /** The attempts made so far, this one included (from 1). */
  attempts: number;
  /** The failure will not go away by retrying (a refusal for good): the request is parked. */
  refused: boolean;
  /** What names the request in the log line (an id, a trace id). */
  fields: Record<string, unknown>;
}

/**
 * The outcome of a queued request's failed attempt: parked with its error when `refused`, else
 * due again after the backoff; either way with the error's message (at most 500 characters),
 * logged.
 */
export function retryOrPark(
  options: RetryOrParkOptions,
): (
  failed: FailedAttempt,
) =>
  | { done: false; error: string; parked: true }
  | { done: false; error: string; retryAt: Date } {
  const { logger } = options;
  return ({ error, attempts, refused, fields }) => {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    if (refused) {
      logger.error(options.parkedMessage, { ...fields, attempts, reason: message });
      return { done: false, error: message, parked: true };
    }
    const delay = backoffDelay(attempts - 1, {
      baseMs: options.retryBaseMs,
      maxMs: options.retryMaxMs,
      jitter: true,
    });
    if (worthLogging(attempts)) {
      logger.warn(options.retryMessage, { ...fields, attempts, retryInMs: delay, reason: message });
    }
    return { done: false, error: message, retryAt: new Date(Date.now() + delay) };
  };
}
