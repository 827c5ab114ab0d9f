import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type AppEnv, requireRole } from "@pms/http";
import { jsonContent, Message } from "@pms/http/openapi";
import type { AnalyticsStore } from "../store/analytics_store.ts";

const Summary = z.object({
  patientsCreated: z.number().int(),
  patientsUpdated: z.number().int(),
  patientsDeleted: z.number().int(),
  patientsRestored: z.number().int(),
  eventsConsumed: z.number().int(),
  lastEventAt: z.string().nullable(),
}).openapi("AnalyticsSummary");

const getSummary = createRoute({
  method: "get",
  path: "/summary",
  summary: "Totals counted from the patient events consumed",
  security: [{ bearerAuth: [] }],
  // Analytics is ADMIN's alone (the role matrix).
  middleware: [requireRole("ADMIN")],
  responses: {
    200: { description: "The totals", content: { "application/json": { schema: Summary } } },
    403: { description: "Not an ADMIN", content: jsonContent(Message) },
  },
});

/** `GET /analytics/summary`. */
export function summaryRoutes(store: AnalyticsStore): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>().openapi(
    getSummary,
    async (c) => c.json(await store.summary(), 200),
  );
}
