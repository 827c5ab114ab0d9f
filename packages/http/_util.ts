import type { Context } from "hono";
import { isDatabaseUnavailable } from "@pms/db";

/** True when `error` says a dependency (database, network peer, token keys) could not be reached. */
export function isUnavailableError(error: unknown): boolean {
  if (isDatabaseUnavailable(error)) return true;
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if (typeof e !== "object") return false;
    if ((e as { name?: unknown }).name === "KeysUnavailableError") return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * True when `error` is the request body failing to arrive: the client closed the connection
 * mid-body (Deno raises `BadResource`/`Http`/`UnexpectedEof` from the body stream). The client's
 * fault, not the service's.
 */
export function isBodyReadError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if (typeof e !== "object") return false;
    const { name, message } = e as { name?: unknown; message?: unknown };
    if (name === "BadResource" || name === "Http" || name === "UnexpectedEof") return true;
    if (
      typeof message === "string" &&
      /read(ing)? (the )?body|body .*(unavailable|closed)/i.test(message)
    ) {
      return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * The first and last milliseconds every store keeps and writes back alike: years 0001–9999 in UTC
 * (PostgreSQL has no year 0, and JavaScript writes a year past 9999 as `+010000`).
 */
export const STORED_INSTANTS = {
  earliest: Date.parse("0001-01-01T00:00:00.000Z"),
  latest: Date.parse("9999-12-31T23:59:59.999Z"),
} as const;

/**
 * Sets a header on the answer a handler already made (in a middleware, after `next()`), on the
 * answer itself: `c.header()` then makes Hono copy the whole answer into a new Response, whose
 * body becomes a stream (the server's fast path for a text body is lost), on every request. An
 * answer whose headers cannot change (a `fetch` response passed on as it is) is copied after all.
 */
export function setAnswerHeader(c: Context, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    c.header(name, value);
  }
}
