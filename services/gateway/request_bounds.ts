import type { MiddlewareHandler } from "hono";
import { type AppEnv, jsonError } from "@pms/http";
import { MAX_REQUEST_LINE_BYTES } from "./_serve.ts";
import { sentFieldCount, sentTarget } from "./proxy/connection.ts";

/** Options for {@linkcode requestBounds}. */
export interface RequestBoundsOptions {
  /** The longest request line (method, target, version) in bytes; longer is `414` (8 KiB). */
  maxRequestLineBytes?: number;
  /** The most header fields a request may have; more is `431` (100). */
  maxFields?: number;
}

/** ` HTTP/1.1` and the spaces around the target. */
const LINE_OVERHEAD = " ".length + " HTTP/1.1".length;

/**
 * Refuses requests larger than the gateway reads: a request line over 8 KiB → `414
 * {"message":"URI too long"}`, more than 100 header fields → `431`. (Heads too large for the
 * server to read at all are answered by `serveBounded` the same way.) The target is measured as
 * sent when the server kept it, else as the request URL's path and query.
 */
export function requestBounds(options: RequestBoundsOptions = {}): MiddlewareHandler<AppEnv> {
  const maxLine = options.maxRequestLineBytes ?? MAX_REQUEST_LINE_BYTES;
  const maxFields = options.maxFields ?? 100;
  return async function requestBounds(c, next) {
    const url = c.req.url;
    const target = sentTarget(c) ??
      url.slice(Math.max(0, url.indexOf("/", url.indexOf("://") + 3)));
    if (c.req.method.length + target.length + LINE_OVERHEAD > maxLine) {
      c.get("logger")?.info("request line too long", { bytes: target.length });
      throw jsonError(414, "URI too long");
    }
    let fields = sentFieldCount(c);
    if (fields === undefined) {
      fields = 0;
      for (const _ of c.req.raw.headers) fields++;
    }
    if (fields > maxFields) throw jsonError(431, "Request header fields too large");
    await next();
  };
}
