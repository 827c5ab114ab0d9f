import type { Context } from "hono";
import { proxy } from "hono/proxy";
import { type AppEnv, jsonError } from "@pms/http";

const INVALID_PATH = "Invalid request path";

// Request headers that belong to one connection, not to the request (RFC 9110 §7.6.1).
const HOP_BY_HOP = {
  connection: undefined,
  "keep-alive": undefined,
  "proxy-authenticate": undefined,
  "proxy-authorization": undefined,
  te: undefined,
  trailer: undefined,
  "transfer-encoding": undefined,
  upgrade: undefined,
};

/** Where and how {@linkcode forward} sends one request. */
export interface ForwardOptions {
  /** Upstream base URL, for example `http://127.0.0.1:8080`. */
  upstream: string;
  /** The upstream's name, used in error messages and logs. */
  name: string;
  /** The prefix the gateway strips (`/api`, `/auth`); sent on as `X-Forwarded-Prefix`. */
  prefix: string;
  /** The path to request upstream, already stripped. */
  path: string;
  /** Time allowed for the upstream, in ms. */
  timeoutMs: number;
  /** The fetch to use (tests may pass their own). */
  fetch?: typeof fetch;
}

const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

/**
 * Sends the request on to an upstream service and returns its answer, with hop-by-hop headers
 * removed (Hono's proxy helper), the request id, trace context and `X-Forwarded-*` set, and a
 * relative `Location` re-prefixed. Failures become JSON: refused connection → 503, timeout →
 * 504, any other network failure → 502.
 */
export async function forward(c: Context<AppEnv>, options: ForwardOptions): Promise<Response> {
  const url = c.req.url;
  const queryAt = url.indexOf("?");
  const target = `${options.upstream}${options.path}${queryAt === -1 ? "" : url.slice(queryAt)}`;
  // The path comes from the client. Only a leading "/" keeps it from extending the upstream's
  // host or port ("8080@evil.example/..."): whatever else it holds, it stays a path there.
  if (!options.path.startsWith("/")) throw jsonError(400, INVALID_PATH);
  // fetch() refuses these methods (they would surface as 502), and no upstream serves them.
  if (FORBIDDEN_METHODS.has(c.req.method.toUpperCase())) {
    throw jsonError(405, "Method not allowed", { Allow: "GET, HEAD, POST, PUT, DELETE, OPTIONS" });
  }
  const forwardedFor = [c.req.header("X-Forwarded-For"), clientAddress(c)]
    .filter(Boolean).join(", ");
  // A plain timer, cleared as soon as the upstream answers (AbortSignal.timeout() would keep a
  // timer alive for the whole timeout after every request). The client's own request signal is
  // not linked: reading it costs Deno.serve a quarter of the gateway's throughput, and a client
  // that goes away only leaves the upstream call to finish or time out.
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException("upstream timed out", "TimeoutError")),
    options.timeoutMs,
  );
  let res: Response;
  try {
    res = await proxy(target, {
      method: c.req.method,
      body: c.get("requestBody") ?? c.req.raw.body,
      duplex: c.req.raw.body && !c.get("requestBody") ? "half" : undefined,
      signal: controller.signal,
      customFetch: options.fetch,
      headers: {
        ...c.req.header(),
        ...HOP_BY_HOP,
        host: undefined,
        "x-request-id": c.get("requestId"),
        traceparent: c.get("traceparent"),
        "x-forwarded-for": forwardedFor || undefined,
        "x-forwarded-host": c.req.header("host"),
        "x-forwarded-proto": url.startsWith("https:") ? "https" : "http",
        "x-forwarded-prefix": options.prefix,
      },
    } as unknown as RequestInit);
  } catch (error) {
    throw upstreamError(c, options.name, error);
  } finally {
    clearTimeout(timer);
  }
  const location = res.headers.get("Location");
  if (location?.startsWith("/") && !location.startsWith(`${options.prefix}/`)) {
    res.headers.set("Location", `${options.prefix}${location}`);
  }
  return res;
}

function clientAddress(c: Context<AppEnv>): string | undefined {
  const info = (c.env as { remoteAddr?: Deno.NetAddr } | undefined)?.remoteAddr;
  return info?.hostname;
}

function upstreamError(c: Context<AppEnv>, name: string, error: unknown) {
  const err = error as { name?: string; message?: string; cause?: { name?: string } };
  const logger = c.get("logger");
  if (err?.name === "TimeoutError" || err?.cause?.name === "TimeoutError") {
    logger.warn("upstream timed out", { upstream: name });
    return jsonError(504, `The ${name} service did not answer in time`);
  }
  const text = `${err?.message ?? ""} ${String((error as { cause?: unknown })?.cause ?? "")}`;
  if (/refused|ECONNREFUSED|Connection reset|os error 111/i.test(text)) {
    logger.warn("upstream unavailable", { upstream: name });
    return jsonError(503, `The ${name} service is unavailable`, { "Retry-After": "1" });
  }
  logger.warn("upstream failed", { upstream: name, err: error });
  return jsonError(502, `The ${name} service could not be reached`);
}
