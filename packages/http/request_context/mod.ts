import type { MiddlewareHandler } from "hono";
import type { Logger } from "@pms/log";
import { activeTraceparent } from "@pms/trace";
import type { AppEnv } from "../app_env.ts";

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
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** 32 random hex digits (a trace id) or, cut, 16 (a span id); randomUUID is the cheap source. */
function randomHex(digits: 16 | 32): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, digits);
}

/**
 * Sets `requestId`, `traceId`, `traceparent` and a scoped `logger` on the context, echoes the
 * request id on the response, and logs one access line. The path is logged without its query
 * string: a search term may be a patient's name.
 */
export function requestContext(options: RequestContextOptions): MiddlewareHandler<AppEnv> {
  const header = options.header ?? "X-Request-Id";
  const accessLog = options.accessLog ?? true;
  return async function requestContext(c, next) {
    const incoming = c.req.header(header);
    const requestId = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
    // With OTEL_DENO=true the request already has a span (joined to the caller's trace): use it,
    // so logs, events and calls carry the ids the trace shows. Else continue the caller's trace.
    const active = TRACEPARENT.exec(activeTraceparent() ?? "");
    const parent = active ?? TRACEPARENT.exec(c.req.header("traceparent") ?? "");
    const traceId = parent?.[1] && !/^0+$/.test(parent[1]) ? parent[1] : randomHex(32);
    const flags = parent?.[3] ?? "01";
    c.set("requestId", requestId);
    c.set("traceId", traceId);
    c.set("traceparent", active?.[0] ?? `00-${traceId}-${randomHex(16)}-${flags}`);
    const logger = options.logger.child({ requestId, traceId });
    c.set("logger", logger);
    const started = performance.now();
    await next();
    c.header(header, requestId);
    if (accessLog && logger.enabled("info")) {
      logger.info("request", {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      });
    }
  };
}
