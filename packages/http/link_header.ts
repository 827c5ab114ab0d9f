/** What a `Link` header for a page needs. */
export interface LinkHeaderInput {
  /** The list's path as the client sees it, for example `/api/patients`. */
  path: string;
  page: number;
  size: number;
  total: number;
  /** Filters kept on every link (`search`, `role`, …); empty and undefined ones are left out. */
  search?: string;
  filters?: Record<string, string | undefined>;
}

/**
 * RFC 8288 `Link` header with `first`, `prev`, `next` and `last`, keeping `size`, `search` and
 * every other filter. Pages are 0-based.
 */
export function linkHeader(input: LinkHeaderInput): string {
  const lastPage = Math.max(0, Math.ceil(input.total / input.size) - 1);
  // The filters are encoded once; only `page` differs between the four links.
  const kept = new URLSearchParams();
  if (input.search) kept.set("search", input.search);
  for (const [name, value] of Object.entries(input.filters ?? {})) {
    if (value) kept.set(name, value);
  }
  const rest = kept.size > 0 ? `&${kept}` : "";
  const href = (page: number) => `<${input.path}?page=${page}&size=${input.size}${rest}>`;
  const links = [`${href(0)}; rel="first"`];
  if (input.page > 0) links.push(`${href(Math.min(input.page - 1, lastPage))}; rel="prev"`);
  if (input.page < lastPage) links.push(`${href(input.page + 1)}; rel="next"`);
  links.push(`${href(lastPage)}; rel="last"`);
  return links.join(", ");
}
