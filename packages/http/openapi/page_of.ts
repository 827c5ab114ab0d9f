/**
 * The page a list asks for, from the query `pageParams` validated: `page` (default 0) and `size`
 * (default `defaultSize`) as numbers.
 */
export function pageOf(
  query: { page?: string; size?: string },
  defaultSize: number,
): { page: number; size: number } {
  return { page: Number(query.page ?? 0), size: Number(query.size ?? defaultSize) };
}
