import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type AppEnv, jsonError, requireRole, validationHook } from "@pms/http";
import { bearerSecurity, jsonContent, Message } from "@pms/http/openapi";
import type { BillingAccountStore } from "../store/billing_account_store.ts";

const BillingAccount = z.object({
  accountId: z.string().openapi({ example: "0b6a6f43-3c2e-4c36-9a53-4f1f7d8e2a10" }),
  patientId: z.string().openapi({ example: "123e4567-e89b-12d3-a456-426614174000" }),
  status: z.string().openapi({ example: "ACTIVE" }),
}).openapi("BillingAccount");
const PatientIdParam = z.object({
  patientId: z.guid({ error: "Invalid patient id" }).openapi({
    param: { name: "patientId", in: "path" },
    example: "123e4567-e89b-12d3-a456-426614174000",
  }),
});

const getAccount = createRoute({
  method: "get",
  path: "/accounts/{patientId}",
  summary: "The patient's billing account",
  security: bearerSecurity,
  // Billing's row of the role matrix: ADMIN and BILLING.
  middleware: [requireRole("ADMIN", "BILLING")],
  request: { params: PatientIdParam },
  responses: {
    200: { description: "The account", content: jsonContent(BillingAccount) },
    400: { description: "Malformed patient id", content: jsonContent(Message) },
    403: { description: "Not ADMIN or BILLING", content: jsonContent(Message) },
    404: { description: "The patient has no billing account", content: jsonContent(Message) },
  },
});

/** `GET /billing/accounts/{patientId}`. */
export function accountRoutes(accounts: BillingAccountStore): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
    getAccount,
    async (c) => {
      const account = await accounts.findByPatientId(c.req.valid("param").patientId);
      if (!account) throw jsonError(404, "Billing account not found");
      const { accountId, patientId, status } = account;
      return c.json({ accountId, patientId, status }, 200);
    },
  );
}
