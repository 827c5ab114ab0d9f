import type { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "@pms/http";
import { createServiceApp } from "@pms/service";
import { silentLogger } from "./silent_logger.ts";

/** Options for {@linkcode testServiceApp}. */
export interface TestServiceAppOptions {
  /** `/health`'s answer; defaults to up. */
  health?: () => Promise<boolean>;
  /** The OpenAPI title; defaults to `Test API`. */
  title?: string;
  /** Run before every route, `/health` included (as a manifest's `middleware`). */
  middleware?: MiddlewareHandler<AppEnv>[];
}

/**
 * The app the runner would build around `routes` (request context, `/health`, OpenAPI document,
 * JSON 404, the one error handler), with a silent logger, for `app.request()` tests.
 */
export function testServiceApp(
  routes: (app: OpenAPIHono<AppEnv>) => void,
  options: TestServiceAppOptions = {},
): OpenAPIHono<AppEnv> {
  return createServiceApp({
    logger: silentLogger(),
    health: options.health ?? (() => Promise.resolve(true)),
    title: options.title ?? "Test API",
    middleware: options.middleware,
    routes,
  });
}
