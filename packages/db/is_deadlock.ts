/**
 * True when `error` is PostgreSQL's deadlock (SQLSTATE 40P01): the transaction was chosen to end
 * a wait cycle and rolled back, so running it again is safe. Two transactions inserting rows that
 * overlap under an exclusion constraint at the same moment can each wait for the other.
 */
export function isDeadlock(error: unknown): boolean {
  return typeof error === "object" && error !== null &&
    (error as { code?: unknown }).code === "40P01";
}
