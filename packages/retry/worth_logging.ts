/**
 * True for the first failure in a row and every `every`-th after it (`failures` counts from 1):
 * an outage is reported at once and then now and again, without flooding the log.
 *
 * @example
 * ```ts
 * [1, 2, 10, 11, 20].map((n) => worthLogging(n)); // [true, false, true, false, true]
 * ```
 */
export function worthLogging(failures: number, every = 10): boolean {
  return failures === 1 || (failures > 0 && failures % every === 0);
}
