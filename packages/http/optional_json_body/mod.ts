import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app_env.ts";

/**
 * Lets a route whose JSON body is optional take an empty body sent with `Content-Type:
 * application/json` as no body at all, as it takes one sent without a Content-Type. Without it,
 * `@hono/zod-openapi` parses any body declared JSON, and an empty one is `400 Malformed JSON`:
 * a client that sets the header on every request could not call the route without a body.
 */
export function optionalJsonBody(): MiddlewareHandler<AppEnv> {
  return async function optionalJsonBody(c, next) {
    const raw = c.req.raw;
    if (
      raw.headers.has("content-type") && (raw.body === null || (await c.req.text()).trim() === "")
    ) {
      const headers = new Headers(raw.headers);
      headers.delete("content-type");
      headers.delete("content-length");
      c.req.raw = new Request(raw.url, { method: raw.method, headers, signal: raw.signal });
    }
    await next();
  };
}
