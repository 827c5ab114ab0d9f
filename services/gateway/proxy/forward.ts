import type { Context } from "hono";
import { type AppEnv, jsonError } from "@pms/http";

const INVALID_PATH = "Invalid request path";

// Headers that belong to one connection, not to the message (RFC 9110 §7.6.1), and the ones
// the gateway sets itself. `accept-encoding` is dropped so an upstream never compresses for the
// gateway's fetch (which would decompress and leave a wrong Content-Length).
const NOT_FORWARDED = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "accept-encoding",
  "x-request-id",
  "traceparent",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-prefix",
]);

const HOP_BY_HOP_RESPONSE = ["connection", "keep-alive", "transfer-encoding", "trailer", "upgrade"];

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

/** Upstream calls in flight and the time (performance.now()) each is abandoned at. */
const deadlines = new Map<AbortController, number>();
let sweeper: ReturnType<typeof setInterval> | undefined;
/** How often the shared timer looks for calls past their deadline, in ms. */
const SWEEP_MS = 20;

/**
 * Aborts `controller` with a `TimeoutError` once `timeoutMs` have passed (to within
 * {@linkcode SWEEP_MS}), unless it is unwatched first. One interval timer serves every call in
 * flight and stops when none is left: a timer per call (created and cleared each request, as
 * Deno's Node-compatible timers are) cost the gateway about a tenth of its CPU per request.
 */
function watchDeadline(controller: AbortController, timeoutMs: number): void {
  deadlines.set(controller, performance.now() + timeoutMs);
  sweeper ??= setInterval(() => {
    const now = performance.now();
    for (const [watched, deadline] of deadlines) {
      if (deadline > now) continue;
      deadlines.delete(watched);
      watched.abort(new DOMException("upstream timed out", "TimeoutError"));
    }
    if (deadlines.size === 0) stopSweeper();
  }, SWEEP_MS);
}

/** The call has its answer (or failed): its deadline no longer matters. */
function unwatchDeadline(controller: AbortController): void {
  deadlines.delete(controller);
  if (deadlines.size === 0) stopSweeper();
}

function stopSweeper(): void {
  clearInterval(sweeper);
  sweeper = undefined;
}

const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

/**
 * Sends the request on to an upstream service and returns its answer, with hop-by-hop headers
 * removed, the request id, trace context and `X-Forwarded-*` set, and a
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
  // The call's deadline is watched by one shared timer, not a timer of its own (see
  // `watchDeadline`). The client's own request signal is not linked: reading it costs
  // Deno.serve a quarter of the gateway's throughput, and a client that goes away only leaves
  // the upstream call to finish or time out.
  const controller = new AbortController();
  watchDeadline(controller, options.timeoutMs);
  // The request's headers copied once into a list (no Headers object to build and copy again),
  // without the hop-by-hop ones and those set here.
  const headers: [string, string][] = [
    ["x-request-id", c.get("requestId")],
    ["traceparent", c.get("traceparent")],
    ["x-forwarded-proto", url.startsWith("https:") ? "https" : "http"],
    ["x-forwarded-prefix", options.prefix],
  ];
  if (forwardedFor) headers.push(["x-forwarded-for", forwardedFor]);
  const host = c.req.raw.headers.get("host");
  if (host) headers.push(["x-forwarded-host", host]);
  for (const [name, value] of c.req.raw.headers) {
    if (!NOT_FORWARDED.has(name)) headers.push([name, value]);
  }
  const buffered = c.get("requestBody");
  let res: Response;
  try {
    res = await (options.fetch ?? fetch)(target, {
      method: c.req.method,
      headers,
      body: buffered ?? c.req.raw.body,
      ...(c.req.raw.body && !buffered ? { duplex: "half" } : {}),
      signal: controller.signal,
    } as RequestInit);
  } catch (error) {
    throw upstreamError(c, options.name, error);
  } finally {
    unwatchDeadline(controller);
  }
  return answerOf(res, options.prefix);
}

/**
 * The upstream's answer with headers the gateway's middleware can still set (a fetch's are
 * immutable: copied once), without hop-by-hop ones, a relative Location prefixed; the body
 * streams through.
 */
function answerOf(res: Response, prefix: string): Response {
  const headers = new Headers(res.headers);
  const connection = headers.get("connection");
  if (connection) { for (const name of connection.split(",")) headers.delete(name.trim()); }
  for (const name of HOP_BY_HOP_RESPONSE) headers.delete(name);
  const location = headers.get("Location");
  if (location?.startsWith("/") && !location.startsWith(`${prefix}/`)) {
    headers.set("Location", `${prefix}${location}`);
  }
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
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
