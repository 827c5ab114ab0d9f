import { OpenAPIHono, z } from "@hono/zod-openapi";
import { type AppEnv, defineRoute, jsonError } from "@pms/http";
import { jsonContent } from "@pms/http/openapi";
import type { NotificationStore } from "../store/notification_store.ts";

const NotificationSchema = z.object({
  id: z.guid(),
  patientId: z.guid(),
  type: z.enum([
    "WELCOME",
    "INVOICE",
    "APPOINTMENT_CONFIRMATION",
    "APPOINTMENT_CANCELLED",
    "APPOINTMENT_REMINDER",
  ]).openapi({
    description: "WELCOME for a new patient, INVOICE for an issued invoice, " +
      "APPOINTMENT_CONFIRMATION, APPOINTMENT_CANCELLED and APPOINTMENT_REMINDER for appointments",
  }),
  status: z.enum(["PENDING", "SENT", "FAILED", "SKIPPED"]),
  reason: z.enum(["CONSENT"]).optional().openapi({
    description: "Only on a SKIPPED message not sent because the patient denied EMAIL consent",
  }),
  createdAt: z.string(),
}).openapi("Notification");

const listNotifications = defineRoute({
  method: "get",
  path: "/",
  audit: { action: "notification.read", patient: { query: "patientId" } },
  summary: "A patient's notifications, oldest first",
  // The notifications row of the role matrix: ADMIN and CLINICIAN.
  roles: ["ADMIN", "CLINICIAN"],
  request: { query: z.object({ patientId: z.guid() }) },
  responses: {
    200: { description: "The notifications", content: jsonContent(z.array(NotificationSchema)) },
  },
  errors: {
    400: "patientId missing or not a UUID",
    403: "Not ADMIN or CLINICIAN, or the patient is restricted to others " +
      '(`{"message":"Record is restricted","breakGlass":true}`)',
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
