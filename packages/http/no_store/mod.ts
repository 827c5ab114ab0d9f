import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app_env.ts";

/**
 * Marks every response as not to be stored by browsers or proxies: `Cache-Control: no-store`
 * (RFC 9111 §5.2.2.5; RFC 6749 §5.1 for token responses) and `Pragma: no-cache` for HTTP/1.0
 * caches. For responses that carry tokens or patient data.
 */
export function noStore(): MiddlewareHandler<AppEnv> {
  return async function noStore(c, next) {
    await next();
    c.header("Cache-Control", "no-store");
    c.header("Pragma", "no-cache");
  };
}
