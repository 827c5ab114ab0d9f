import { OpenAPIHono, z } from "@hono/zod-openapi";
import { type AppEnv, defineRoute } from "@pms/http";
import { jsonContent } from "@pms/http/openapi";
import type { AnalyticsStore } from "../store/analytics_store.ts";

const Money = z.object({
  amount: z.number().int().openapi({ description: "Integer minor units (ISO 4217)" }),
  currency: z.string().regex(/^[A-Z]{3}$/).openapi({ example: "USD" }),
}).openapi("Money");

const Summary = z.object({
  patientsCreated: z.number().int(),
  patientsUpdated: z.number().int(),
  patientsDeleted: z.number().int(),
  patientsRestored: z.number().int(),
  invoicesIssued: z.number().int().openapi({ description: "INVOICE_ISSUED events" }),
  paymentsReceived: z.number().int().openapi({ description: "PAYMENT_RECEIVED events" }),
  revenue: z.array(Money).openapi({
    description: "Σ of the payments received, one entry per currency (summed exactly; a JSON " +
      "number is exact up to 2^53 − 1 minor units)",
  }),
  appointmentsBooked: z.number().int().openapi({ description: "APPOINTMENT_BOOKED events" }),
  appointmentsCancelled: z.number().int().openapi({ description: "Appointments cancelled" }),
  noShows: z.number().int().openapi({ description: "Appointments marked NOSHOW" }),
  encountersFinished: z.number().int().openapi({ description: "ENCOUNTER_FINISHED events" }),
  eventsConsumed: z.number().int().openapi({
    description: "Patient, billing, appointment and encounter events applied",
  }),
  lastEventAt: z.string().nullable(),
}).openapi("AnalyticsSummary");

const getSummary = defineRoute({
  method: "get",
  path: "/summary",
  // Totals name no patient: only the denials are recorded.
  audit: { action: "analytics.read", only: "DENIED" },
  summary: "Totals counted from the patient and billing events consumed",
  // Analytics is ADMIN's alone (the role matrix).
  roles: ["ADMIN"],
  responses: { 200: { description: "The totals", content: jsonContent(Summary) } },
  errors: { 403: "Not an ADMIN" },
});

/** `GET /analytics/summary`. */
export function summaryRoutes(store: AnalyticsStore): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>().openapi(
    getSummary,
    async (c) => c.json(await store.summary(), 200),
  );
}
