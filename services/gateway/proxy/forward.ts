import type { Context } from "hono";
import { type AppEnv, jsonError } from "@pms/http";
import type { UpstreamClient, UpstreamResponse } from "./upstream_client.ts";
import { hasBody, peerAddress, sentFields } from "./connection.ts";
import { forwardedFor } from "./forwarded_for.ts";
import { droppedFields, FORBIDDEN_METHODS, NOT_FORWARDED } from "./_fields.ts";
import { upstreamError } from "./upstream_error.ts";

const INVALID_PATH = "Invalid request path";

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
  /** The kept-alive HTTP/1.1 client the call goes through. */
  client: UpstreamClient;
  /** Proxies in front of the gateway whose `X-Forwarded-For` entries are trusted (0: none). */
  trustedHops: number;
}

/**
 * Sends the request on to an upstream service and returns its answer, with hop-by-hop headers
 * removed, the request id, trace context and `X-Forwarded-*` set, and a
 * relative `Location` re-prefixed. Failures become JSON: refused connection → 503, timeout →
 * 504, any other network failure → 502.
 */
export async function forward(c: Context<AppEnv>, options: ForwardOptions): Promise<Response> {
  const url = c.req.url;
  const queryAt = url.indexOf("?");
  const target = `${options.path}${queryAt === -1 ? "" : url.slice(queryAt)}`;
  // The path comes from the client. Only a leading "/" keeps it from extending the upstream's
  // host or port ("8080@evil.example/..."): whatever else it holds, it stays a path there.
  if (!options.path.startsWith("/")) throw jsonError(400, INVALID_PATH);
  // No upstream serves these methods (and `fetch` refuses them): 405, not a 502.
  if (FORBIDDEN_METHODS.has(c.req.method.toUpperCase())) {
    throw jsonError(405, "Method not allowed", { Allow: "GET, HEAD, POST, PUT, DELETE, OPTIONS" });
  }
  const chain = forwardedFor(
    c.req.raw.headers.get("x-forwarded-for") ?? undefined,
    peerAddress(c),
    options.trustedHops,
  );
  // The request's headers copied once into a list, without the hop-by-hop ones and those set
  // here. The client's own request signal is not read: doing so costs Deno.serve a quarter of the
  // gateway's throughput, and a client that goes away only leaves the upstream call to finish or
  // time out.
  const headers: [string, string][] = [
    ["x-request-id", c.get("requestId")],
    ["traceparent", c.get("traceparent")],
    ["x-forwarded-proto", url.startsWith("https:") ? "https" : "http"],
    ["x-forwarded-prefix", options.prefix],
  ];
  if (chain) headers.push(["x-forwarded-for", chain]);
  const host = c.req.raw.headers.get("host");
  if (host) headers.push(["x-forwarded-host", host]);
  const sent = sentFields(c);
  if (sent) {
    for (let i = 0; i + 1 < sent.length; i += 2) {
      const name = sent[i]!.toLowerCase();
      if (!NOT_FORWARDED.has(name)) headers.push([name, sent[i + 1]!]);
    }
  } else {
    for (const [name, value] of c.req.raw.headers) {
      if (!NOT_FORWARDED.has(name)) headers.push([name, value]);
    }
  }
  // `readBody` has read every body within its limit; a route without it reads the body here.
  const body = c.get("requestBody") ??
    (hasBody(c) && c.req.raw.body ? await c.req.raw.arrayBuffer() : undefined);
  try {
    // The answer is turned into the gateway's Response while its body is still lent.
    return await options.client.send({
      base: options.upstream,
      method: c.req.method,
      target,
      headers,
      body,
      timeoutMs: options.timeoutMs,
    }, (res) => answerOf(res, options.prefix));
  } catch (error) {
    throw upstreamError(c.get("logger"), options.name, error);
  }
}

/** Final statuses whose response cannot carry a body (the Response constructor refuses one). */
const NULL_BODY = new Set([204, 205, 304]);

/**
 * The upstream's answer as the gateway's response, built once: without hop-by-hop fields (and those its `Connection` names), a relative Location
 * prefixed; its headers stay mutable for the gateway's middleware.
 */
function answerOf(res: UpstreamResponse, prefix: string): Response {
  const dropped = droppedFields(res.headers);
  const headers: [string, string][] = [];
  for (const [name, value] of res.headers) {
    if (dropped.has(name)) continue;
    if (name === "location" && value.startsWith("/") && !value.startsWith(`${prefix}/`)) {
      headers.push([name, `${prefix}${value}`]);
    } else headers.push([name, value]);
  }
  // The body is copied out of the connection's buffer, which the client reads into again once
  // this returns: the lightweight Response of `@hono/node-server` keeps the array it is given
  // until the answer is written, where the runtime's own Response copied it.
  const body = NULL_BODY.has(res.status) || !res.body
    ? null
    : res.body.byteOffset === 0 && res.body.byteLength === res.body.buffer.byteLength
    ? res.body
    : res.body.slice();
  return new Response(body, {
    status: res.status,
    statusText: res.statusText,
    headers,
  });
}
