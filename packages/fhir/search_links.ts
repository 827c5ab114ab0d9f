/**
 * A search page's `self` link (the query as sent) and `next` link (the same query at the next
 * `_offset`, while there is more), under `base`.
 */
export function searchLinks(
  base: string,
  requestUrl: string,
  type: string,
  page: { offset: number; count: number; total: number },
): { self: string; next?: string } {
  const url = new URL(requestUrl);
  const params = new URLSearchParams(url.search);
  params.set("_offset", String(page.offset + page.count));
  return {
    self: `${base}/${type}${url.search}`,
    next: page.offset + page.count < page.total ? `${base}/${type}?${params}` : undefined,
  };
}
