/**
 * Retrying, the same way everywhere: one backoff ({@linkcode backoffDelay}), one rule for
 * which failures in a row are logged ({@linkcode worthLogging}), and what a queued request's
 * failed attempt comes to ({@linkcode retryOrPark}).
 *
 * @module
 */
export { backoffDelay, type BackoffOptions } from "./backoff_delay.ts";
export { worthLogging } from "./worth_logging.ts";
export { type FailedAttempt, retryOrPark, type RetryOrParkOptions } from "./retry_or_park.ts";
