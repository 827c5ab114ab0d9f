/**
 * Where the page before a search page starts (asked when `offset` > 0): `count` matches before
 * it, or, for a page past the last match, the last page that has matches; 0 at the least.
 */
export function previousOffset(page: { offset: number; count: number; total: number }): number {
  return Math.max(0, Math.min(page.offset, page.total) - page.count);
}
