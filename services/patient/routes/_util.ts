import type { AppEnv } from "@pms/http";
import type { Context } from "hono";

// The gateway says which prefix it stripped; links must use the path the client used. Only an
// absolute path of plain segments is taken: never `//host` (a protocol-relative URL) or `/a//b`.
const SAFE_PREFIX = /^(?:\/[A-Za-z0-9_-]{1,32}){1,4}$/;

/** A resource's path as the client sees it: `/api/groups` through the gateway, else `/groups`. */
export function clientPath(c: Context<AppEnv>, resource: string): string {
  const prefix = c.req.header("X-Forwarded-Prefix");
  return `${prefix && SAFE_PREFIX.test(prefix) ? prefix : ""}${resource}`;
}
