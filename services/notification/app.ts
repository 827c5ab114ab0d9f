import { OpenAPIHono } from "@hono/zod-openapi";
import type { TokenClaims } from "@pms/jwt";
import type { Logger } from "@pms/log";
import { type AppEnv, finishServiceApp, jwtAuth, requestContext } from "@pms/http";
import type { NotificationStore } from "./store/notification_store.ts";
import { notificationRoutes } from "./routes/notifications.ts";

/** What the notification HTTP app needs. */
export interface NotificationDeps {
  store: NotificationStore;
  logger: Logger;
  verify: (token: string) => Promise<TokenClaims>;
  /** True when the database answers. */
  ping: () => Promise<boolean>;
}

/** The notification read API: `/health`, `/notifications`, `/v3/api-docs`. */
export function createApp(deps: NotificationDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.use(requestContext({ logger: deps.logger }));
  app.get(
    "/health",
    async (c) => (await deps.ping()) ? c.json({ status: "UP" }) : c.json({ status: "DOWN" }, 503),
  );
  app.use("/notifications", jwtAuth({ verify: deps.verify }));
  app.use("/notifications/*", jwtAuth({ verify: deps.verify }));
  app.route("/notifications", notificationRoutes(deps.store));
  return finishServiceApp(app, { title: "Notification Service API", logger: deps.logger });
}
