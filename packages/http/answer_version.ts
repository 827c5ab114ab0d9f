import type { Context } from "hono";
import { clientPath } from "./client_path.ts";
import { etagOf } from "./etag.ts";

/**
 * Answers a versioned record as JSON with `status` and its `ETag`; with `collection` (`/notes`),
 * also a `Location` naming the record under that collection as the client called it. Typed as a
 * plain `Response`: a generic typed answer made the routes' type check excessively deep.
 */
export function answerVersion(
  c: Context,
  record: { id: string; version: number },
  status: 200 | 201,
  collection?: string,
): Response {
  if (collection) c.header("Location", `${clientPath(c, collection)}/${record.id}`);
  c.header("ETag", etagOf(record.version));
  return c.json(record, status);
}
