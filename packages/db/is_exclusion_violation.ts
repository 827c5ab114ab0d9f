/**
 * True when `error` is PostgreSQL's exclusion violation (SQLSTATE 23P01), of `constraint` when
 * given: the database refused a row that overlaps another (an exclusion constraint).
 */
export function isExclusionViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, constraint_name: name } = error as { code?: unknown; constraint_name?: unknown };
  return code === "23P01" && (constraint === undefined || name === constraint);
}
