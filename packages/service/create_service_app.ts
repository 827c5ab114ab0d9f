import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { type AppEnv, errorHandler, notFoundHandler, requestContext, unaudited } from "@pms/http";
import type { Logger } from "@pms/log";

/** Options for {@linkcode createServiceApp}. */
export interface CreateServiceAppOptions {
  logger: Logger;
  /** `/health`: 200 `{"status":"UP"}` when it resolves true, else 503 `DOWN`. */
  health: () => Promise<boolean>;
  /** Run before every route, `/health` included. */
  middleware?: MiddlewareHandler<AppEnv>[];
  /** Mounts the service's routes. */
  routes: (app: OpenAPIHono<AppEnv>) => void;
  /** The OpenAPI document's title; without it there is no `/v3/api-docs`. */
  title?: string;
  /**
   * Where the document's paths live as clients see them (the gateway's prefix, `/api` or
   * `/auth`), so the docs page's "Try it out" reaches the service through the gateway.
   */
  servers?: { url: string; description?: string }[];
}

/**
 * The app every service shares: request context (request id, trace id, scoped logger, access
 * line), `/health`, the service's routes, its OpenAPI 3.1 document at `/v3/api-docs` (with the
 * `bearerAuth` scheme the routes refer to), the JSON 404 and the one error handler.
 */
export function createServiceApp(options: CreateServiceAppOptions): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.use(requestContext({ logger: options.logger }));
  for (const middleware of options.middleware ?? []) app.use(middleware);
  app.get(
    "/health",
    unaudited("liveness probe: no caller, no data"),
    async (c) =>
      (await options.health()) ? c.json({ status: "UP" }) : c.json({ status: "DOWN" }, 503),
  );
  options.routes(app);
  if (options.title) {
    app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
    });
    const document = {
      openapi: "3.1.0",
      info: { title: options.title, version: "1.0.0" },
      ...(options.servers && { servers: options.servers }),
    };
    app.get(
      "/v3/api-docs",
      unaudited("the public API description: no caller, no data"),
      (c) => c.json(app.getOpenAPI31Document(document)),
    );
  }
  app.notFound(notFoundHandler);
  app.onError(errorHandler({ logger: options.logger }));
  return app;
}
