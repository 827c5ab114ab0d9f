import type { Context } from "hono";
import { getConnInfo } from "hono/deno";
import type { AppEnv } from "./app_env.ts";

/**
 * The client's address for throttling and the audit trail: the last `X-Forwarded-For` hop when `trustProxy` (the
 * gateway appends the address it saw), else the connection's peer.
 */
export function clientAddress(c: Context<AppEnv>, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = (c.req.header("X-Forwarded-For") ?? "").split(",").map((h) => h.trim())
      .filter(Boolean);
    const last = hops.at(-1);
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}
