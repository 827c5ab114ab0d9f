import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app_env.ts";
import { jsonError } from "../json_error.ts";

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

/**
 * Answers `415 {"message"}` to a POST, PUT or PATCH that sends a body whose Content-Type is not
 * JSON. A body-less POST (`/logout`, an action) needs no Content-Type.
 */
export function requireJson(): MiddlewareHandler<AppEnv> {
  return async function requireJson(c, next) {
    const raw = c.req.raw;
    const sendsBody = raw.body !== null &&
      (raw.headers.get("content-length") ?? "") !== "0";
    if (WITH_BODY.has(c.req.method) && sendsBody) {
      const type = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim();
      if (!JSON_TYPE.test(type)) throw jsonError(415, "Content-Type must be application/json");
    }
    await next();
  };
}
