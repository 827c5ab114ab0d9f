/**
 * Retrying, the same way everywhere: one backoff ({@linkcode backoffDelay}) and one rule for
 * which failures in a row are logged ({@linkcode worthLogging}).
 *
 * @module
 */
export { backoffDelay, type BackoffOptions } from "./backoff_delay.ts";
export { worthLogging } from "./worth_logging.ts";
