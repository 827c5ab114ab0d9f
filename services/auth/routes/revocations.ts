import { Hono } from "hono";
import { type AppEnv, jsonError, unaudited } from "@pms/http";
import type { RevocationStore } from "../store/revocation_store.ts";

const CURSOR = /^(0|[1-9][0-9]{0,15})$/;

/**
 * `GET /revocations?since=<cursor>`: the revocations recorded after `cursor` whose tokens may
 * still be alive (`{"cursor","more","revocations":[{"sessionId","expires"} |
 * {"userId","issuedBefore","expires"}]}`, times in epoch seconds), polled by every service that
 * verifies tokens. Internal: no token (the pollers have none), not in the API document, and not
 * routed by the gateway (the catalog lists it as auth's `internal` path).
 */
export function revocationRoutes(store: RevocationStore): Hono<AppEnv> {
  const exempt = unaudited("polled each second by every service: session ids, no people");
  return new Hono<AppEnv>().get("/revocations", exempt, async (c) => {
    // Every service instance asks each second: its access lines are debug lines.
    c.set("accessLogLevel", "debug");
    const since = c.req.query("since") ?? "0";
    if (!CURSOR.test(since)) throw jsonError(400, { since: "must be a whole number from 0" });
    return c.json(await store.page(Number(since)), 200);
  });
}
