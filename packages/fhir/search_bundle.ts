import type { SearchLinks } from "./search_links.ts";

/**
 * A `searchset` Bundle of `resources` (each a match), with its `self`, `next` and `previous`
 * links.
 */
export function searchBundle(
  base: string,
  resources: { resourceType: string; id: string }[],
  total: number,
  links: SearchLinks,
) {
  return {
    resourceType: "Bundle",
    type: "searchset",
    total,
    link: [
      { relation: "self", url: links.self },
      ...(links.next ? [{ relation: "next", url: links.next }] : []),
      ...(links.previous ? [{ relation: "previous", url: links.previous }] : []),
    ],
    entry: resources.map((resource) => ({
      fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: "match" },
    })),
  };
}
