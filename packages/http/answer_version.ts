import type { Context } from "hono";
import { clientPath } from "./client_path.ts";
import { etagOf } from "./etag.ts";
import { notModified } from "./not_modified.ts";

/**
 * Answers a versioned record as JSON with `status` and its `ETag`; with `collection` (`/notes`),
 * also a `Location` naming the record (by its `id`) under that collection as the client called
 * it. A read (`GET` or `HEAD` answered `200`) whose `If-None-Match` names the record's version is
 * answered `304` instead, without a body (see {@linkcode notModified}). Typed as a plain `Response`: a
 * generic typed answer made the routes' type check excessively deep.
 */
export function answerVersion(
  c: Context,
  record: { id?: string; version: number },
  status: 200 | 201,
  collection?: string,
): Response {
  if (collection) c.header("Location", `${clientPath(c, collection)}/${record.id}`);
  const read = status === 200 && (c.req.method === "GET" || c.req.method === "HEAD");
  const unchanged = read ? notModified(c, record.version) : undefined;
  if (unchanged) return unchanged;
  c.header("ETag", etagOf(record.version));
  return c.json(record, status);
}
