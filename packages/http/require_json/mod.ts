import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app_env.ts";
import { jsonError } from "../json_error.ts";

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

/** Answers `415 {"message"}` to a POST, PUT or PATCH whose Content-Type is not JSON. */
export function requireJson(): MiddlewareHandler<AppEnv> {
  return async function requireJson(c, next) {
    if (WITH_BODY.has(c.req.method)) {
      const type = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim();
      if (!JSON_TYPE.test(type)) throw jsonError(415, "Content-Type must be application/json");
    }
    await next();
  };
}
