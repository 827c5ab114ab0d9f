import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Logger } from "@pms/log";
import type { AppEnv } from "./app_env.ts";
import { errorHandler } from "./error_handler.ts";
import { notFoundHandler } from "./not_found_handler.ts";

/** Options for {@linkcode finishServiceApp}. */
export interface FinishServiceAppOptions {
  /** The OpenAPI document's title, for example `Patient Service API`. */
  title: string;
  /** Where unexpected errors are logged. */
  logger: Logger;
}

/**
 * The common end of every service app: the OpenAPI 3.1 document at `/v3/api-docs` (with the
 * `bearerAuth` scheme its routes refer to), the JSON 404, and the one error handler. Call it
 * after the routes are mounted.
 */
export function finishServiceApp(
  app: OpenAPIHono<AppEnv>,
  options: FinishServiceAppOptions,
): OpenAPIHono<AppEnv> {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  app.doc31("/v3/api-docs", {
    openapi: "3.1.0",
    info: { title: options.title, version: "1.0.0" },
  });
  app.notFound(notFoundHandler);
  app.onError(errorHandler({ logger: options.logger }));
  return app;
}
