import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { auditChange, auditCommitted, auditNote } from "@pms/audit";
import {
  type AppEnv,
  idempotency,
  type IdempotencyStore,
  jsonText,
  validationHook,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { Context } from "hono";
import { ChargeIds, CreatePayment, Invoice, Payment } from "../domain/billing_schema.ts";
import type { BillingContext, BillingService } from "../domain/billing_service.ts";
import { answering, billingAccess, jsonBody, requireCurrency } from "./_util.ts";

const InvoiceIdParam = z.object({
  id: z.guid({ error: "Invalid invoice id" }).openapi({ param: { name: "id", in: "path" } }),
});
const errors = {
  400: { description: "Malformed id", content: doc.jsonContent(doc.Message) },
  403: { description: "Not ADMIN or BILLING", content: doc.jsonContent(doc.Message) },
  404: { description: "Invoice not found", content: doc.jsonContent(doc.Message) },
  ...doc.guardedResponses,
};
const conflict = (description: string) => ({
  409: { description, content: doc.jsonContent(doc.Message) },
});

const context = (c: Context<AppEnv>): BillingContext => ({
  audit: auditChange(c),
  traceparent: c.get("traceparent"),
});

/** `/billing/invoices/{id}`: read, change a draft's charges, issue, void, take payments. */
export function invoiceRoutes(
  billing: BillingService,
  keys: IdempotencyStore,
  currency: string,
): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  // Payments require a key: a retried payment must never take the money twice.
  const keyRequired = idempotency({ store: keys, required: true });

  app.openapi(
    createRoute({
      method: "get",
      path: "/invoices/{id}",
      summary: "An invoice: lines, payments, total, paid, due",
      security: doc.bearerSecurity,
      middleware: [billingAccess],
      request: { params: InvoiceIdParam },
      responses: {
        200: { description: "The invoice", content: doc.jsonContent(Invoice) },
        ...errors,
      },
    }),
    async (c) => {
      const found = await answering(billing.invoice(c.req.valid("param").id));
      auditNote(c, {
        patientIds: [found.patientId],
        details: { invoiceId: c.req.valid("param").id },
      });
      return jsonText<z.infer<typeof Invoice>, 200>(c, found.json, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/invoices/{id}",
      summary: "Replace a draft's charges",
      security: doc.bearerSecurity,
      middleware: [billingAccess, jsonBody],
      request: {
        params: InvoiceIdParam,
        body: {
          required: true,
          content: {
            "application/json": { schema: ChargeIds },
            "application/merge-patch+json": { schema: ChargeIds },
          },
        },
      },
      responses: {
        200: { description: "The invoice", content: doc.jsonContent(Invoice) },
        ...errors,
        ...conflict("Invoice is not a draft, or a charge is on another invoice"),
        ...doc.bodyResponses,
      },
    }),
    async (c) => {
      const json = await answering(
        billing.updateInvoice(c.req.valid("param").id, c.req.valid("json").chargeIds, context(c)),
      );
      auditCommitted(c);
      return jsonText<z.infer<typeof Invoice>, 200>(c, json, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/invoices/{id}/issue",
      summary: "Issue a draft: numbered, final, posted to the ledger",
      security: doc.bearerSecurity,
      middleware: [billingAccess],
      request: { params: InvoiceIdParam },
      responses: {
        200: { description: "The invoice, ISSUED", content: doc.jsonContent(Invoice) },
        ...errors,
        ...conflict("Invoice is not a draft"),
      },
    }),
    async (c) => {
      const json = await answering(billing.issue(c.req.valid("param").id, context(c)));
      auditCommitted(c);
      return jsonText<z.infer<typeof Invoice>, 200>(c, json, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/invoices/{id}/void",
      summary: "Void a draft, or an issued invoice with nothing paid (its charges become free)",
      security: doc.bearerSecurity,
      middleware: [billingAccess],
      request: { params: InvoiceIdParam },
      responses: {
        200: { description: "The invoice, VOID", content: doc.jsonContent(Invoice) },
        ...errors,
        ...conflict("Already void, or paid in part or in full"),
      },
    }),
    async (c) => {
      const json = await answering(billing.void(c.req.valid("param").id, context(c)));
      auditCommitted(c);
      return jsonText<z.infer<typeof Invoice>, 200>(c, json, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/invoices/{id}/payments",
      summary: "Record a payment on an issued invoice (Idempotency-Key required)",
      description: "Paid ≥ total makes the invoice PAID; an excess is account credit.",
      security: doc.bearerSecurity,
      middleware: [billingAccess, jsonBody, keyRequired],
      request: {
        params: InvoiceIdParam,
        headers: z.object({
          "idempotency-key": z.string().openapi({
            description: "Required: 1–255 visible ASCII; a retry with it replays the first answer",
          }),
        }),
        body: { required: true, content: doc.jsonContent(CreatePayment) },
      },
      responses: {
        201: { description: "The payment", content: doc.jsonContent(Payment) },
        400: {
          description: "Invalid fields, or no Idempotency-Key",
          content: doc.jsonContent(doc.FieldErrors),
        },
        403: errors[403],
        404: errors[404],
        ...doc.idempotentResponses(
          "The invoice is not ISSUED (draft, paid or void), or the key's first request is running",
        ),
        ...doc.guardedResponses,
        ...doc.bodyResponses,
      },
    }),
    async (c) => {
      requireCurrency(c.req.valid("json").amount, currency);
      const paid = await answering(
        billing.pay(c.req.valid("param").id, c.req.valid("json"), context(c)),
      );
      auditCommitted(c);
      return jsonText<z.infer<typeof Payment>, 201>(c, paid.json, 201);
    },
  );

  return app;
}
