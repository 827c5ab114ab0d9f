import type { Context } from "hono";
import type { AppEnv } from "@pms/http";

/**
 * What the server hands the app about a request's connection (Hono's `c.env`): `node:http`'s
 * message when the gateway serves with `serveBounded`; `Deno.serve`'s info otherwise (and
 * nothing in tests that call `app.request()`).
 */
interface ConnectionBindings {
  incoming?: {
    /** The request target exactly as sent. */
    url?: string;
    /** Header names and values, alternating, as sent. */
    rawHeaders?: string[];
    socket?: { remoteAddress?: string };
  };
  remoteAddr?: Deno.NetAddr;
}

function bindings(c: Context<AppEnv>): ConnectionBindings {
  return (c.env ?? {}) as ConnectionBindings;
}

/** The address of the connection's peer (the load balancer, behind one), when known. */
export function peerAddress(c: Context<AppEnv>): string | undefined {
  const env = bindings(c);
  return env.incoming?.socket?.remoteAddress ?? env.remoteAddr?.hostname;
}

/**
 * The request target exactly as the client sent it (`/path?query`, or absolute-form), when the
 * server keeps it; undefined under `Deno.serve`, whose request URL is the target as sent.
 */
export function sentTarget(c: Context<AppEnv>): string | undefined {
  return bindings(c).incoming?.url;
}

/**
 * The header fields as sent, names and values alternating (names in the client's case), when the
 * server keeps them: reading them so costs far less than iterating a `Headers` built from them.
 */
export function sentFields(c: Context<AppEnv>): string[] | undefined {
  return bindings(c).incoming?.rawHeaders;
}

/**
 * Whether the request has a body. Under `node:http` that is what its head declares (RFC 9112
 * §6.3: `Transfer-Encoding`, or a `Content-Length` above 0), read without building the whole
 * `Request` that asking for its `body` makes; otherwise whether the `Request` has a body.
 */
export function hasBody(c: Context<AppEnv>): boolean {
  if (!bindings(c).incoming) return c.req.raw.body !== null;
  const headers = c.req.raw.headers;
  return headers.has("transfer-encoding") || (headers.get("content-length") ?? "0") !== "0";
}

/** How many header fields the request had as sent (duplicates counted), when the server says. */
export function sentFieldCount(c: Context<AppEnv>): number | undefined {
  const raw = bindings(c).incoming?.rawHeaders;
  return raw ? raw.length / 2 : undefined;
}
