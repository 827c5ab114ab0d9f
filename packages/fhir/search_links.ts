import { previousOffset } from "./previous_offset.ts";

/** A search page's links: `self`, and `next` / `previous` when there is such a page. */
export interface SearchLinks {
  self: string;
  next?: string;
  previous?: string;
}

/**
 * A search page's `self` link (the query as sent), its `next` link (the same query at the next
 * `_offset`, while there is more) and its `previous` link (the page before, when this one does not
 * start at the first match), under `base`.
 */
export function searchLinks(
  base: string,
  requestUrl: string,
  type: string,
  page: { offset: number; count: number; total: number },
): SearchLinks {
  const url = new URL(requestUrl);
  const at = (offset: number) => {
    const params = new URLSearchParams(url.search);
    params.set("_offset", String(offset));
    return `${base}/${type}?${params}`;
  };
  return {
    self: `${base}/${type}${url.search}`,
    next: page.offset + page.count < page.total ? at(page.offset + page.count) : undefined,
    previous: page.offset > 0 ? at(previousOffset(page)) : undefined,
  };
}
