import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type AppEnv, jsonError, requireRole } from "@pms/http";
import { jsonContent, Message } from "@pms/http/openapi";
import type { NotificationStore } from "../store/notification_store.ts";

const NotificationSchema = z.object({
  id: z.guid(),
  patientId: z.guid(),
  type: z.enum(["WELCOME", "INVOICE"]).openapi({
    description: "WELCOME for a new patient, INVOICE for an issued invoice",
  }),
  status: z.enum(["PENDING", "SENT", "FAILED", "SKIPPED"]),
  createdAt: z.string(),
}).openapi("Notification");

const listNotifications = createRoute({
  method: "get",
  path: "/",
  summary: "A patient's notifications, oldest first",
  security: [{ bearerAuth: [] }],
  // The notifications row of the role matrix: ADMIN and CLINICIAN.
  middleware: [requireRole("ADMIN", "CLINICIAN")],
  request: { query: z.object({ patientId: z.guid() }) },
  responses: {
    200: {
      description: "The notifications",
      content: { "application/json": { schema: z.array(NotificationSchema) } },
    },
    400: { description: "patientId missing or not a UUID", content: jsonContent(Message) },
    403: { description: "Not ADMIN or CLINICIAN", content: jsonContent(Message) },
  },
});

/** `GET /notifications?patientId={id}`. */
export function notificationRoutes(store: NotificationStore): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw jsonError(400, "patientId must be a UUID");
    },
  }).openapi(listNotifications, async (c) => {
    const { patientId } = c.req.valid("query");
    return c.json(await store.listByPatient(patientId), 200);
  });
}
