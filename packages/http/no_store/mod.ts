import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app_env.ts";
import { setAnswerHeader } from "../_util.ts";

/**
 * Marks responses as not to be stored by browsers or proxies: `Cache-Control: no-store` (RFC
 * 9111 §5.2.2.5; RFC 6749 §5.1 for token responses) and `Pragma: no-cache` for HTTP/1.0 caches.
 * For routes that carry tokens or patient data; a route that sets its own `Cache-Control` (the
 * public JWKS) keeps it.
 */
export function noStore(): MiddlewareHandler<AppEnv> {
  return async function noStore(c, next) {
    await next();
    if (c.res.headers.has("Cache-Control")) return;
    setAnswerHeader(c, "Cache-Control", "no-store");
    setAnswerHeader(c, "Pragma", "no-cache");
  };
}
