import type { MiddlewareHandler } from "hono";
import type { Logger } from "@pms/log";
import { activeTraceparent, newTraceId, parseTraceparent } from "@pms/trace";
import type { AppEnv } from "../app_env.ts";
import { setAnswerHeader } from "../_util.ts";

/** Options for {@linkcode requestContext}. */
export interface RequestContextOptions {
  /** The service logger; each request gets a child carrying its request id and trace id. */
  logger: Logger;
  /** Header carrying the request id; defaults to `X-Request-Id`. */
  header?: string;
  /** Write one access line per request (method, path, status, ms); defaults to true. */
  accessLog?: boolean;
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Sets `requestId`, `traceId`, `traceparent` and a scoped `logger` on the context, echoes the
 * request id on the response, and logs one access line (at `info`, or the level a route set in
 * `accessLogLevel`). The path is logged without its query string: a search term may be a
 * patient's name.
 */
export function requestContext(options: RequestContextOptions): MiddlewareHandler<AppEnv> {
  const header = options.header ?? "X-Request-Id";
  const accessLog = options.accessLog ?? true;
  return async function requestContext(c, next) {
    const incoming = c.req.header(header);
    const requestId = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
    // With OTEL_DENO=true the request already has a span (joined to the caller's trace): use it,
    // so logs, events and calls carry the ids the trace shows. Else continue the caller's trace.
    const activeHeader = activeTraceparent();
    const active = parseTraceparent(activeHeader);
    const parent = active ?? parseTraceparent(c.req.header("traceparent"));
    const traceId = parent?.traceId ?? newTraceId();
    c.set("requestId", requestId);
    c.set("traceId", traceId);
    c.set(
      "traceparent",
      active ? activeHeader! : `00-${traceId}-${newTraceId(16)}-${parent?.flags ?? "01"}`,
    );
    const logger = options.logger.child({ requestId, traceId });
    c.set("logger", logger);
    const started = performance.now();
    await next();
    setAnswerHeader(c, header, requestId);
    const level = c.get("accessLogLevel") ?? "info";
    if (accessLog && logger.enabled(level)) {
      logger[level]("request", {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      });
    }
  };
}
