import type { Context } from "hono";
import { etagOf, parseEtagList } from "./etag.ts";

/**
 * The `304` of a read of `version` when its `If-None-Match` names that version: `*`, or a list
 * of entity tags compared weakly (`W/"3"` and `"3"` both name version 3). The `304` has no body
 * and keeps the version's `headers` (its `ETag` unless given others, such as `Last-Modified` as
 * well). Undefined when the header is absent, malformed or names other versions: the answer is
 * then the record itself.
 */
export function notModified(
  c: Context,
  version: number,
  headers: Record<string, string> = { ETag: etagOf(version) },
): Response | undefined {
  const header = c.req.header("If-None-Match");
  const tags = header === undefined ? undefined : parseEtagList(header);
  return tags === "*" || (tags?.includes(version) ?? false)
    ? c.body(null, 304, headers)
    : undefined;
}
