import type { Context } from "hono";

/** Answers unknown routes with `404 {"message":"Not found"}` (`app.notFound(notFoundHandler)`). */
export function notFoundHandler(c: Context): Response {
  return c.json({ message: "Not found" }, 404);
}
