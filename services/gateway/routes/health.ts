import { Hono } from "hono";
import type { AppEnv } from "@pms/http";

/** `GET /health`: the gateway's own liveness; upstreams are not consulted. */
export const health = new Hono<AppEnv>().get("/", (c) => c.json({ status: "UP" }));
