/**
 * A list query's `from` and `to` (validated RFC 3339 instants) as dates, each undefined when the
 * query leaves it out.
 */
export function periodOf(query: { from?: string; to?: string }): { from?: Date; to?: Date } {
  return {
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  };
}
