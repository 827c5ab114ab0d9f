import type { Context } from "hono";

/**
 * The bearer token of the request's `Authorization` field (`""` when it has none), for calls made
 * to other services on the caller's behalf. The token check has verified it by then.
 */
export function bearerToken(c: Context): string {
  return (c.req.header("Authorization") ?? "").replace(/^Bearer\s+/i, "");
}
