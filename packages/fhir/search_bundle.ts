/** A `searchset` Bundle of `resources` (each a match), with its `self` and `next` links. */
export function searchBundle(
  base: string,
  resources: { resourceType: string; id: string }[],
  total: number,
  links: { self: string; next?: string },
) {
  return {
    resourceType: "Bundle",
    type: "searchset",
    total,
    link: [
      { relation: "self", url: links.self },
      ...(links.next ? [{ relation: "next", url: links.next }] : []),
    ],
    entry: resources.map((resource) => ({
      fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: "match" },
    })),
  };
}
