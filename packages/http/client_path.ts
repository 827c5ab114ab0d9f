import type { Context } from "hono";

// The gateway says which prefix it stripped; links must use the path the client used. Only an
// absolute path of plain segments is taken: never `//host` (a protocol-relative URL) or `/a//b`.
const SAFE_PREFIX = /^(?:\/[A-Za-z0-9_-]{1,32}){1,4}$/;

/**
 * A path as the client sees it: behind the gateway, `X-Forwarded-Prefix` (`/api`) in front of
 * `path` (`/groups`), else `path` alone.
 */
export function clientPath(c: Context, path: string): string {
  const prefix = c.req.header("X-Forwarded-Prefix");
  return `${prefix && SAFE_PREFIX.test(prefix) ? prefix : ""}${path}`;
}
