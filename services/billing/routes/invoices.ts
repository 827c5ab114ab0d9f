import { OpenAPIHono, z } from "@hono/zod-openapi";
import { auditChange, auditCommitted, auditNote } from "@pms/audit";
import {
  type AppEnv,
  defineRoute,
  idempotency,
  type IdempotencyStore,
  jsonText,
  requireJson,
  resourceApp,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import type { Context } from "hono";
import { ChargeIds, CreatePayment, Invoice, Payment } from "../domain/billing_schema.ts";
import type { BillingContext, BillingService } from "../domain/billing_service.ts";
import { BILLING_ROLES, requireCurrency } from "./_util.ts";

const InvoiceIdParam = doc.idParam("invoice");
const errors = {
  400: { description: "Malformed id", content: doc.jsonContent(doc.Message) },
  403: { description: "Not ADMIN or BILLING", content: doc.jsonContent(doc.Message) },
  404: { description: "Invoice not found", content: doc.jsonContent(doc.Message) },
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
  const app = resourceApp();
  // Payments require a key: a retried payment must never take the money twice.
  const keyRequired = idempotency({ store: keys, required: true });

  app.openapi(
    defineRoute({
      method: "get",
      path: "/invoices/{id}",
      audit: "billing.read",
      summary: "An invoice: lines, payments, total, paid, due",
      roles: BILLING_ROLES,
      request: { params: InvoiceIdParam },
      responses: {
        200: doc.answer("The invoice", Invoice),
        ...errors,
      },
    }),
    async (c) => {
      const found = await billing.invoice(c.req.valid("param").id);
      auditNote(c, {
        patientIds: [found.patientId],
        details: { invoiceId: c.req.valid("param").id },
      });
      return jsonText<z.infer<typeof Invoice>, 200>(c, found.json, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "patch",
      path: "/invoices/{id}",
      audit: "billing.invoice.update",
      summary: "Replace a draft's charges",
      roles: BILLING_ROLES,
      middleware: [requireJson()],
      request: {
        params: InvoiceIdParam,
        body: doc.patchBody(ChargeIds),
      },
      responses: {
        200: doc.answer("The invoice", Invoice),
        ...errors,
        ...conflict("Invoice is not a draft, or a charge is on another invoice"),
      },
    }),
    async (c) => {
      const json = await billing.updateInvoice(
        c.req.valid("param").id,
        c.req.valid("json").chargeIds,
        context(c),
      );
      auditCommitted(c);
      return jsonText<z.infer<typeof Invoice>, 200>(c, json, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/invoices/{id}/issue",
      audit: "billing.invoice.issue",
      summary: "Issue a draft: numbered, final, posted to the ledger",
      roles: BILLING_ROLES,
      request: { params: InvoiceIdParam },
      responses: {
        200: doc.answer("The invoice, ISSUED", Invoice),
        ...errors,
        ...conflict("Invoice is not a draft"),
      },
    }),
    async (c) => {
      const json = await billing.issue(c.req.valid("param").id, context(c));
      auditCommitted(c);
      return jsonText<z.infer<typeof Invoice>, 200>(c, json, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/invoices/{id}/void",
      audit: "billing.invoice.void",
      summary: "Void a draft, or an issued invoice with nothing paid (its charges become free)",
      roles: BILLING_ROLES,
      request: { params: InvoiceIdParam },
      responses: {
        200: doc.answer("The invoice, VOID", Invoice),
        ...errors,
        ...conflict("Already void, or paid in part or in full"),
      },
    }),
    async (c) => {
      const json = await billing.void(c.req.valid("param").id, context(c));
      auditCommitted(c);
      return jsonText<z.infer<typeof Invoice>, 200>(c, json, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/invoices/{id}/payments",
      audit: "billing.payment.create",
      summary: "Record a payment on an issued invoice (Idempotency-Key required)",
      description: "Paid ≥ total makes the invoice PAID; an excess is account credit.",
      roles: BILLING_ROLES,
      idempotency: keyRequired,
      request: {
        params: InvoiceIdParam,
        headers: z.object({
          "idempotency-key": z.string().openapi({
            description: "Required: 1–255 visible ASCII; a retry with it replays the first answer",
          }),
        }),
        body: doc.jsonBody(CreatePayment),
      },
      responses: {
        201: doc.answer("The payment", Payment),
        400: doc.invalidFields("Invalid fields, or no Idempotency-Key"),
        403: errors[403],
        404: errors[404],
      },
      errors: {
        409:
          "The invoice is not ISSUED (draft, paid or void), or the key's first request is running",
      },
    }),
    async (c) => {
      requireCurrency(c.req.valid("json").amount, currency);
      const paid = await billing.pay(c.req.valid("param").id, c.req.valid("json"), context(c));
      auditCommitted(c);
      return jsonText<z.infer<typeof Payment>, 201>(c, paid.json, 201);
    },
  );

  return app;
}
