/**
 * True when `error` is PostgreSQL's unique_violation (SQLSTATE 23505), optionally on one
 * named constraint.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, constraint_name: name } = error as { code?: unknown; constraint_name?: unknown };
  return code === "23505" && (constraint === undefined || name === constraint);
}
