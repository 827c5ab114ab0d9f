import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "@pms/log";
import type { AppEnv } from "./app_env.ts";
import { isBodyReadError, isUnavailableError } from "./_util.ts";
import { DomainError } from "./domain_error/mod.ts";
import { statusOfKind } from "./domain_error/status_of_kind.ts";

/** Options for {@linkcode errorHandler}. */
export interface ErrorHandlerOptions {
  /** Used when the request has no scoped logger yet. */
  logger: Logger;
}

/**
 * The one place errors become responses (`app.onError(errorHandler(...))`):
 * - an {@linkcode HTTPException} keeps its status, with a JSON `{"message"}` body unless it
 *   carries its own response;
 * - a {@linkcode DomainError} is answered by its kind (`statusOfKind`): `{"message"}`, or
 *   `{"<field>": message}` for an invalid field, with the headers it carries;
 * - a request body that stopped arriving (the client hung up mid-body) is `400`, logged at info:
 *   the client's fault, and the client is usually gone;
 * - an unreachable dependency (database, token keys), or a transaction the database rolled back
 *   (a deadlock, a serialization failure), is `503` with `Retry-After`;
 * - anything else is logged and answered `500 {"message":"Internal server error"}`, never a stack.
 */
export function errorHandler(options: ErrorHandlerOptions) {
  return function handleError(err: Error, c: Context<AppEnv>): Response {
    const logger = c.get("logger") ?? options.logger;
    if (err instanceof HTTPException) {
      if (err.res) {
        const res = new Response(err.res.body, err.res);
        res.headers.set("Content-Type", "application/json");
        return res;
      }
      const status = err.status;
      const message = err.message || (status === 400 ? "Bad request" : "Request failed");
      return c.json({ message }, status);
    }
    if (err instanceof DomainError) {
      const body = err.kind !== "invalid"
        ? { message: err.message }
        : err.fields ?? (err.field ? { [err.field]: err.message } : { message: err.message });
      return c.json(body, statusOfKind(err.kind), err.headers);
    }
    if (isBodyReadError(err)) {
      logger.info("request body not received", { reason: err.name });
      return c.json({ message: "The request body could not be read" }, 400);
    }
    if (isUnavailableError(err)) {
      logger.warn("dependency unavailable", { err });
      c.header("Retry-After", "1");
      return c.json({ message: "Service temporarily unavailable" }, 503);
    }
    logger.error("unhandled error", { err });
    return c.json({ message: "Internal server error" }, 500);
  };
}
