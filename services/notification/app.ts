import type { OpenAPIHono } from "@hono/zod-openapi";
import { type AppEnv, jwtAuth } from "@pms/http";
import type { VerifyToken } from "@pms/service";
import type { NotificationStore } from "./store/notification_store.ts";
import { notificationRoutes } from "./routes/notifications.ts";

/** What the notification routes need. */
export interface NotificationRoutesDeps {
  store: NotificationStore;
  verify: VerifyToken;
}

/** Mounts `/notifications` (token required) on the service app. */
export function mountNotificationRoutes(
  app: OpenAPIHono<AppEnv>,
  deps: NotificationRoutesDeps,
): void {
  app.use("/notifications", jwtAuth({ verify: deps.verify }));
  app.use("/notifications/*", jwtAuth({ verify: deps.verify }));
  app.route("/notifications", notificationRoutes(deps.store));
}
