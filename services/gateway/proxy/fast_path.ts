import type { IncomingMessage, ServerResponse } from "node:http";
import { HTTPException } from "hono/http-exception";
import { asOperationOutcome, ENROLLMENT_REQUIRED, jsonError } from "@pms/http";
import type { Logger } from "@pms/log";
import type { VerifyToken } from "@pms/service";
import { activeTraceparent, newTraceId, parseTraceparent } from "@pms/trace";
import { type GatewayConfig, UPSTREAMS } from "../config.ts";
import { API_SECURITY_HEADERS } from "../api_security_headers.ts";
import { MAX_REQUEST_LINE_BYTES } from "../_serve.ts";
import { droppedFields, FORBIDDEN_METHODS, NOT_FORWARDED } from "./_fields.ts";
import { forwardedFor } from "./forwarded_for.ts";
import type { UpstreamClient, UpstreamResponse } from "./upstream_client.ts";
import { upstreamError } from "./upstream_error.ts";

/** What {@linkcode proxyFastPath} needs: what the Hono routes get, and the service logger. */
export interface FastPathOptions {
  config: GatewayConfig;
  /** Verifies bearer tokens (the cached verifier with the revocation check). */
  verify: VerifyToken;
  /** The kept-alive client the upstream calls go through. */
  client: UpstreamClient;
  /** The service logger (each request's lines carry its request id and trace id). */
  logger: Logger;
}

/** A catalog route, with what forwarding to it needs computed once. */
interface FastRoute {
  path: string;
  /** `path` + `/`. */
  below: string;
  name: string;
  upstream: string;
  strip: string;
  /** Under a root (`/api`, `/fhir`) that holds a token-guarded route. */
  token: boolean;
  /** Its gateway errors are OperationOutcomes. */
  fhir: boolean;
}

/** A request line's ` HTTP/1.1` and the spaces around the target. */
const LINE_OVERHEAD = " ".length + " HTTP/1.1".length;
/** The most header fields `requestBounds` lets through. */
const MAX_FIELDS = 100;
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/**
 * A `Host` the Hono adapter takes as it is (`@hono/node-server`'s own check); any other one it
 * parses, and may refuse with `400`, so such a request takes the general path.
 */
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;
/** A query the adapter keeps as sent (else the URL parser percent-encodes some of it). */
const PLAIN_QUERY = /^[!#$&-;=?-\[\]_a-z~]*$/;
const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)$/i;
/** A `Content-Length` the fast path reads a body by. */
const DECIMAL = /^[0-9]{1,10}$/;
const REALM = 'Bearer realm="patient-management"';
/** The Hono adapter's type for a body without one. */
const DEFAULT_CONTENT_TYPE = "text/plain; charset=UTF-8";
/** Final statuses whose answer carries no body. */
const NULL_BODY = new Set([204, 205, 304]);
/** Fields the gateway sets on every answer, over the upstream's. */
const OWN_ANSWER_FIELDS = new Set([...API_SECURITY_HEADERS.map(([name]) => name), "x-request-id"]);
const SECURITY_FIELDS = API_SECURITY_HEADERS.flat();

/**
 * Path characters served by the fast path: RFC 3986 `pchar` without `%` (an encoded character is
 * decoded by the router and the path guard, so such a path takes the general path).
 */
const PLAIN = new Uint8Array(128);
for (
  const ch of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/"
) {
  PLAIN[ch.charCodeAt(0)] = 1;
}

/**
 * True when `path` is an origin-form path of plain characters without an empty, `.` or `..`
 * segment: one the router, the path guard and the services all read the same, as sent.
 */
function isPlainPath(path: string): boolean {
  if (path.charCodeAt(0) !== 47) return false;
  let segmentStart = 1;
  for (let i = 1; i <= path.length; i++) {
    const code = i === path.length ? 47 : path.charCodeAt(i);
    if (code !== 47) {
      if (code > 127 || PLAIN[code] === 0) return false;
      continue;
    }
    const length = i - segmentStart;
    // An empty segment is `//` (a trailing `/` ends the path with one, which is plain).
    if (length === 0 && i !== path.length) return false;
    if (length === 1 && path.charCodeAt(segmentStart) === 46) return false;
    if (length === 2 && path.charCodeAt(segmentStart) === 46 && path.charCodeAt(i - 1) === 46) {
      return false;
    }
    segmentStart = i + 1;
  }
  return true;
}

/**
 * The gateway's fast path for proxied requests, on `node:http`'s own request and response (no
 * `Request`, `Response`, `Headers` or router per request): a request for a catalog route whose
 * path is plain (see {@linkcode isPlainPath}), without a body or with one of a plain
 * `Content-Length` (read first, as `readBody` does), within the request line and field bounds,
 * is checked and forwarded here, and the upstream's answer written straight to the connection,
 * with what the general path (the Hono app: `requestContext`, `requestBounds`, `fhirErrors`,
 * `pathGuard`, `securityHeaders`, `readBody`, the token check, `forward`) would give it: the
 * request id and trace context, the bearer token verified (cached) and the revocation list
 * consulted, `X-Forwarded-*`, the API security headers, hop-by-hop fields dropped, a relative
 * `Location` re-prefixed, FHIR errors as OperationOutcomes, `502`/`503`/`504` for a failed
 * upstream, and the access line. Returns false, having touched nothing, for any other request
 * (a chunked or too large body, `HEAD`, an encoded or ambiguous path, an internal path, no route,
 * too many fields…), which the general path then answers.
 */
export function proxyFastPath(
  options: FastPathOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { config, verify, client, logger } = options;
  // Longest path first, as the Hono routes match them.
  const all = UPSTREAMS.flatMap((s) => s.routes.map((route) => ({ name: s.name, route })))
    .sort((a, b) => b.route.path.length - a.route.path.length);
  const rootOf = (path: string) => `/${path.split("/")[1]}`;
  const tokenRoots = new Set(all.filter((r) => r.route.token).map((r) => rootOf(r.route.path)));
  const open = new Set(
    all.flatMap(({ route }) => (route.public ?? []).map((sub) => `${route.path}${sub}`)),
  );
  const internal = all.flatMap(({ route }) =>
    (route.internal ?? []).map((sub) => `${route.path}${sub}`)
  );
  const routes: FastRoute[] = all.map(({ name, route }) => ({
    path: route.path,
    below: `${route.path}/`,
    name,
    upstream: config.upstreams[name]!,
    strip: route.strip,
    token: tokenRoots.has(rootOf(route.path)),
    fhir: route.errors === "fhir",
  }));
  const timeoutMs = config.UPSTREAM_TIMEOUT_MS;
  const bodyLimits = { maxBytes: config.MAX_BODY_BYTES, timeoutMs: config.BODY_READ_TIMEOUT_MS };
  const trustedHops = config.TRUSTED_PROXY_HOPS;
  const accessLog = logger.enabled("info");

  return function proxyFastPath(req, res) {
    const method = req.method;
    const target = req.url;
    if (method === undefined || target === undefined) return false;
    if (method === "HEAD" || FORBIDDEN_METHODS.has(method)) return false;
    if (method.length + target.length + LINE_OVERHEAD > MAX_REQUEST_LINE_BYTES) return false;
    const raw = req.rawHeaders;
    if (raw.length > MAX_FIELDS * 2) return false;
    const queryAt = target.indexOf("?");
    const path = queryAt === -1 ? target : target.slice(0, queryAt);
    if (!isPlainPath(path)) return false;
    let route: FastRoute | undefined;
    for (const candidate of routes) {
      if (path === candidate.path || path.startsWith(candidate.below)) {
        route = candidate;
        break;
      }
    }
    if (!route) return false;
    for (const p of internal) if (path === p || path.startsWith(`${p}/`)) return false;

    // One pass over the fields as sent: the ones read here (joined as `Headers` joins repeated
    // fields), the rest kept for the upstream.
    let authorization: string | undefined;
    let host: string | undefined;
    let received: string | undefined;
    let requestId: string | undefined;
    let traceparent: string | undefined;
    let contentLength: string | undefined;
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      const value = raw[i + 1]!;
      switch (name) {
        case "authorization":
          authorization = authorization === undefined ? value : `${authorization}, ${value}`;
          break;
        case "host":
          host = host === undefined ? value : `${host}, ${value}`;
          continue;
        case "x-forwarded-for":
          received = received === undefined ? value : `${received}, ${value}`;
          continue;
        case "x-request-id":
          requestId = requestId === undefined ? value : `${requestId}, ${value}`;
          continue;
        case "traceparent":
          traceparent = traceparent === undefined ? value : `${traceparent}, ${value}`;
          continue;
        case "content-length":
          contentLength = contentLength === undefined ? value : `${contentLength}, ${value}`;
          break;
        case "transfer-encoding":
          return false;
      }
      if (!NOT_FORWARDED.has(name)) headers.push([name, value]);
    }
    // A body framed by one plain Content-Length within the limit is read here (as `readBody`
    // does); any other (chunked, a bad or repeated length, too large) takes the general path.
    let bodyLength: number | undefined;
    if (contentLength !== undefined && contentLength !== "0") {
      if (!DECIMAL.test(contentLength)) return false;
      bodyLength = Number(contentLength);
      if (bodyLength > bodyLimits.maxBytes) return false;
    }
    if (host === undefined || !PLAIN_HOST.test(host)) return false;
    let query = queryAt === -1 ? "" : target.slice(queryAt);
    if (!PLAIN_QUERY.test(query)) {
      // As the adapter makes the request's URL (the services see the query so encoded).
      const href = URL.parse(`http://${host}${target}`)?.href;
      if (href === undefined || !href.startsWith(`http://${host}${path}?`)) return false;
      query = href.slice(href.indexOf("?"));
    }

    // From here on the request is this path's (as `requestContext` does it).
    const started = performance.now();
    const id = requestId !== undefined && SAFE_ID.test(requestId) ? requestId : crypto.randomUUID();
    const activeHeader = activeTraceparent();
    const active = parseTraceparent(activeHeader);
    const parent = active ?? parseTraceparent(traceparent);
    const traceId = parent?.traceId ?? newTraceId();
    const context = active
      ? activeHeader!
      : `00-${traceId}-${newTraceId(16)}-${parent?.flags ?? "01"}`;
    const chain = forwardedFor(received, req.socket.remoteAddress, trustedHops);
    headers.push(
      ["x-request-id", id],
      ["traceparent", context],
      ["x-forwarded-proto", (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http"],
      ["x-forwarded-prefix", route.strip],
    );
    if (chain) headers.push(["x-forwarded-for", chain]);
    headers.push(["x-forwarded-host", host]);
    const stripped = path === route.strip ? "/" : path.slice(route.strip.length);
    const upstreamTarget = stripped + query;
    const exchange: Exchange = {
      res,
      route,
      id,
      traceId,
      logger,
      token: route.token && !open.has(path) ? (authorization ?? "") : undefined,
      body: bodyLength === undefined
        ? undefined
        : { req, length: bodyLength, timeoutMs: bodyLimits.timeoutMs },
    };
    proxy(exchange, verify, client, {
      base: route.upstream,
      method,
      target: upstreamTarget,
      headers,
      timeoutMs,
    }).then((status) => {
      if (accessLog) {
        logger.child({ requestId: id, traceId }).info("request", {
          method,
          path,
          status,
          ms: Math.round((performance.now() - started) * 10) / 10,
        });
      }
    }, (error) => {
      logger.child({ requestId: id, traceId }).error("unhandled error", { err: error });
      if (!res.headersSent) {
        writeResponse(res, Response.json({ message: "Internal server error" }, { status: 500 }), id)
          .catch(() => res.destroy());
      } else res.destroy();
    });
    return true;
  };
}

/** One request taken by the fast path. */
interface Exchange {
  res: ServerResponse;
  route: FastRoute;
  id: string;
  traceId: string;
  logger: Logger;
  /** The `Authorization` field to check (`""` when missing); undefined when none is needed. */
  token: string | undefined;
  /** The request's body to read first, when it has one. */
  body: { req: IncomingMessage; length: number; timeoutMs: number } | undefined;
}

/** Checks the token, forwards, writes the answer; resolves to the status written. */
async function proxy(
  exchange: Exchange,
  verify: VerifyToken,
  client: UpstreamClient,
  request: Parameters<UpstreamClient["send"]>[0],
): Promise<number> {
  const { res, route, id } = exchange;
  let failure: HTTPException;
  try {
    // As the middleware runs: the body is read before the token is checked.
    if (exchange.body) request.body = await receiveBody(exchange.body, requestLogger(exchange));
    if (exchange.token !== undefined) await authenticate(exchange.token, verify);
    const answer = await client.send(request, (up) => writeAnswer(res, up, route, id));
    if (answer === undefined) return res.statusCode;
    // An upstream's non-FHIR error on a FHIR route, made an OperationOutcome as `fhirErrors` does.
    return await writeResponse(res, await asOperationOutcome(answer), id);
  } catch (error) {
    if (res.headersSent) throw error;
    failure = error instanceof HTTPException
      ? error
      : upstreamError(requestLogger(exchange), route.name, error);
  }
  // As the error handler answers an `HTTPException` (its own response, typed as JSON).
  let answer = new Response(failure.res!.body, failure.res);
  answer.headers.set("Content-Type", "application/json");
  if (route.fhir) answer = await asOperationOutcome(answer);
  return await writeResponse(res, answer, id);
}

function requestLogger(exchange: Exchange): Logger {
  return exchange.logger.child({ requestId: exchange.id, traceId: exchange.traceId });
}

/**
 * Reads a body of `length` bytes (its `Content-Length`) within `timeoutMs`, with `readBody`'s
 * answers: `408` (connection closed) for a body that stalls, `400` for one the client abandons.
 */
function receiveBody(
  body: { req: IncomingMessage; length: number; timeoutMs: number },
  logger: Logger,
): Promise<Uint8Array> {
  const { req, length, timeoutMs } = body;
  return new Promise((resolve, reject) => {
    const received = new Uint8Array(length);
    let offset = 0;
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      outcome();
    };
    const onData = (chunk: Uint8Array) => {
      // The parser frames the body by its Content-Length: never more than `length` in all.
      if (offset < length) received.set(chunk.subarray(0, length - offset), offset);
      offset += chunk.byteLength;
    };
    const onEnd = () =>
      settle(() => offset === length ? resolve(received) : reject(notReceived(logger, "Error")));
    const onError = (error: Error) => settle(() => reject(notReceived(logger, error.name)));
    const onClose = () => settle(() => reject(notReceived(logger, "AbortError")));
    const timer = setTimeout(() =>
      settle(() => {
        logger.info("request body timed out", { timeoutMs });
        req.pause();
        reject(jsonError(408, "The request body did not arrive in time", { Connection: "close" }));
      }), timeoutMs);
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

function notReceived(logger: Logger, reason: string): HTTPException {
  logger.info("request body not received", { reason });
  return jsonError(400, "The request body could not be read");
}

/**
 * As `jwtAuth` checks a bearer token, with its answers (`401`, `503` without the keys, `403` for a
 * token that only allows MFA enrolment, which no route behind the gateway's token check takes).
 */
async function authenticate(authorization: string, verify: VerifyToken): Promise<void> {
  const match = BEARER.exec(authorization);
  if (!match?.[1]) {
    throw jsonError(401, "Missing or malformed bearer token", { "WWW-Authenticate": REALM });
  }
  let enrolmentOnly = false;
  try {
    enrolmentOnly = (await verify(match[1])).mfa_enroll === true;
  } catch (error) {
    if (error instanceof Error && error.name === "KeysUnavailableError") {
      throw jsonError(503, "Authentication keys are unavailable", { "Retry-After": "1" });
    }
    throw jsonError(401, "Invalid or expired token", {
      "WWW-Authenticate": `${REALM}, error="invalid_token"`,
    });
  }
  if (enrolmentOnly) throw jsonError(403, ENROLLMENT_REQUIRED);
}

/**
 * Writes the upstream's answer (its body lent: written before this returns) as `forward` and the
 * middleware would shape it, or returns it as a `Response` when it is a non-FHIR error on a FHIR
 * route, to be converted first.
 */
function writeAnswer(
  res: ServerResponse,
  up: UpstreamResponse,
  route: FastRoute,
  id: string,
): Response | undefined {
  const dropped = droppedFields(up.headers);
  const prefix = route.strip;
  const fields: string[] = [];
  let length = false;
  let type = false;
  for (const [name, value] of up.headers) {
    if (dropped.has(name) || OWN_ANSWER_FIELDS.has(name)) continue;
    if (name === "content-length") length = true;
    else if (name === "content-type") type = true;
    if (name === "location" && value.startsWith("/") && !value.startsWith(`${prefix}/`)) {
      fields.push(name, `${prefix}${value}`);
    } else fields.push(name, value);
  }
  const body = NULL_BODY.has(up.status) ? null : up.body;
  if (
    route.fhir && up.status >= 400 &&
    !/^application\/fhir\+json\b/i.test(up.headers.find(([n]) => n === "content-type")?.[1] ?? "")
  ) {
    const pairs: [string, string][] = [];
    for (let i = 0; i < fields.length; i += 2) pairs.push([fields[i]!, fields[i + 1]!]);
    return new Response(body?.slice() ?? null, { status: up.status, headers: pairs });
  }
  if (body !== null) {
    if (!type) fields.push("content-type", DEFAULT_CONTENT_TYPE);
    if (!length) fields.push("content-length", String(body.byteLength));
  }
  for (const field of SECURITY_FIELDS) fields.push(field);
  fields.push("x-request-id", id);
  res.writeHead(up.status, fields);
  // Copied: the connection's buffer is read into again once this returns.
  if (body === null) res.end();
  else res.end(body.slice());
  return undefined;
}

/**
 * Writes a `Response` as the Hono adapter does, with the API security headers and the request id;
 * resolves to its status.
 */
async function writeResponse(res: ServerResponse, answer: Response, id: string): Promise<number> {
  const body = answer.body === null ? null : new Uint8Array(await answer.arrayBuffer());
  const fields: string[] = [];
  let length = false;
  let type = false;
  for (const [name, value] of answer.headers) {
    if (OWN_ANSWER_FIELDS.has(name)) continue;
    if (name === "content-length") length = true;
    else if (name === "content-type") type = true;
    fields.push(name, value);
  }
  if (body !== null) {
    if (!type) fields.push("content-type", DEFAULT_CONTENT_TYPE);
    if (!length) fields.push("content-length", String(body.byteLength));
  }
  for (const field of SECURITY_FIELDS) fields.push(field);
  fields.push("x-request-id", id);
  res.writeHead(answer.status, fields);
  if (body === null) res.end();
  else res.end(body);
  return answer.status;
}
