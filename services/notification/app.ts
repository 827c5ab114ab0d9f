import type { OpenAPIHono } from "@hono/zod-openapi";
import { type AppEnv, type IdempotencyStore, jwtAuth, type Paging } from "@pms/http";
import { type PatientAccess, restrictedRecords } from "@pms/patient_access";
import type { VerifyToken } from "@pms/service";
import type { NotificationStore } from "./store/notification_store.ts";
import type { WebhookStore } from "./store/webhook_store.ts";
import { notificationRoutes } from "./routes/notifications.ts";
import { webhookRoutes } from "./routes/webhooks.ts";

/** What the notification routes need. */
export interface NotificationRoutesDeps {
  store: NotificationStore;
  verify: VerifyToken;
  /** Who may see which patient (the patient service decides). */
  access: PatientAccess;
  webhooks: WebhookStore;
  /** The `Idempotency-Key` answers of a webhook's registration. */
  keys: IdempotencyStore;
  /** `WEBHOOK_ALLOW_INSECURE`. */
  allowInsecure: boolean;
  paging: Paging;
  /** Wakes the webhook sender. */
  wakeWebhooks(): void;
}

/**
 * Mounts `/notifications` (token required; a restricted patient's messages refused, masked in
 * lists) and `/webhooks` (token required; ADMIN's subscriptions, naming no patient) on the
 * service app.
 */
export function mountNotificationRoutes(
  app: OpenAPIHono<AppEnv>,
  deps: NotificationRoutesDeps,
): void {
  // `/x/*` matches `/x` too: one registration, so the token is checked once per request.
  app.use(
    "/notifications/*",
    jwtAuth({ verify: deps.verify }),
    // A restricted patient's messages are refused (`patientId` naming one), masked in lists.
    restrictedRecords({ access: deps.access }),
  );
  app.route("/notifications", notificationRoutes(deps.store));
  app.use("/webhooks/*", jwtAuth({ verify: deps.verify }));
  app.route(
    "/webhooks",
    webhookRoutes({
      store: deps.webhooks,
      keys: deps.keys,
      allowInsecure: deps.allowInsecure,
      paging: deps.paging,
      wake: deps.wakeWebhooks,
    }),
  );
}
