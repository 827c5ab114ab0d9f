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

/** How many header fields the request had as sent (duplicates counted), when the server says. */
export function sentFieldCount(c: Context<AppEnv>): number | undefined {
  const raw = bindings(c).incoming?.rawHeaders;
  return raw ? raw.length / 2 : undefined;
}
