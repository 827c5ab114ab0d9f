import { OpenAPIHono, z } from "@hono/zod-openapi";
import { auditChange, auditCommitted } from "@pms/audit";
import {
  type AppEnv,
  clientPath,
  defineRoute,
  idempotency,
  type IdempotencyStore,
  jsonError,
  jsonText,
  linkHeader,
  type Paging,
  parseDay,
  parseInstant,
  resourceApp,
} from "@pms/http";
import * as doc from "@pms/http/openapi";
import {
  Account,
  Charge,
  ChargeIds,
  CreateCharge,
  Invoice,
  Statement,
} from "../domain/billing_schema.ts";
import type { BillingService } from "../domain/billing_service.ts";
import { BILLING_ROLES, requireCurrency } from "./_util.ts";

const PatientIdParam = z.object({
  patientId: z.guid({ error: "Invalid patient id" }).openapi({
    param: { name: "patientId", in: "path" },
    example: "123e4567-e89b-12d3-a456-426614174000",
  }),
});
/**
 * What every route on one patient's account declares alike: its roles, the patient the path names
 * (audited as `action`), and the account's `403` and `404` besides the route's own `errors`.
 */
function onAccount(action: string, errors: { [status: number]: string } = {}) {
  return {
    audit: { action, patient: { param: "patientId" } },
    roles: BILLING_ROLES,
    errors: { 403: "Not ADMIN or BILLING", 404: "The patient has no billing account", ...errors },
  };
}

// `YYYY-MM-DD` (the whole day, UTC) or an RFC 3339 instant.
const periodBound = (name: string) =>
  z.string().refine(
    (v) => parseDay(v) !== undefined || parseInstant(v) !== undefined,
    `${name} must be a date (YYYY-MM-DD) or an RFC 3339 time`,
  ).optional();

/** The instant a period bound stands for: a date's first (`from`) or last (`to`) millisecond. */
function instant(value: string | undefined, end: boolean): Date | undefined {
  if (value === undefined) return undefined;
  const day = parseDay(value);
  if (!day) return parseInstant(value);
  return end ? new Date(day.getTime() + 86_399_999) : day;
}

/**
 * `/billing/accounts/{patientId}`: the account, its charges, a new draft invoice, its statement.
 */
export function accountRoutes(
  billing: BillingService,
  keys: IdempotencyStore,
  paging: Paging,
  currency: string,
): OpenAPIHono<AppEnv> {
  const app = resourceApp();
  const idempotent = idempotency({ store: keys });

  app.openapi(
    defineRoute({
      method: "get",
      path: "/accounts/{patientId}",
      summary: "The patient's billing account: currency, balance (owed or credit), unbilled",
      ...onAccount("billing.read", { 400: "Malformed patient id" }),
      request: { params: PatientIdParam },
      responses: { 200: doc.answer("The account", Account) },
    }),
    async (c) =>
      jsonText<z.infer<typeof Account>, 200>(
        c,
        await billing.account(c.req.valid("param").patientId),
        200,
      ),
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/accounts/{patientId}/charges",
      summary: "Record a charge (in the account's currency; Idempotency-Key honoured)",
      ...onAccount("billing.charge.create"),
      idempotency: idempotent,
      request: {
        params: PatientIdParam,
        body: doc.jsonBody(CreateCharge),
      },
      responses: {
        201: doc.answer("The charge", Charge),
        400: doc.invalidFields("Invalid fields"),
      },
    }),
    async (c) => {
      const { patientId } = c.req.valid("param");
      requireCurrency(c.req.valid("json").amount, currency);
      const json = await billing.addCharge(patientId, c.req.valid("json"), {
        audit: auditChange(c),
        traceparent: c.get("traceparent"),
      });
      auditCommitted(c);
      return jsonText<z.infer<typeof Charge>, 201>(c, json, 201);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/accounts/{patientId}/charges",
      summary: "The account's charges, newest service date first (paged)",
      ...onAccount("billing.read", { 400: "Malformed id or paging" }),
      request: {
        params: PatientIdParam,
        query: z.object(doc.pageParams(paging.maxSize, paging.defaultSize)),
      },
      responses: doc.pagedList(Charge, "A page of charges"),
    }),
    async (c) => {
      const { patientId } = c.req.valid("param");
      const query = c.req.valid("query");
      const { page, size } = doc.pageOf(query, paging.defaultSize);
      const result = await billing.charges(patientId, { page, size });
      c.header("X-Total-Count", String(result.total));
      c.header(
        "Link",
        linkHeader({
          path: clientPath(c, `/billing/accounts/${patientId}/charges`),
          page,
          size,
          total: result.total,
        }),
      );
      return jsonText<z.infer<typeof Charge>[], 200>(c, result.json, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/accounts/{patientId}/invoices",
      summary: "Draft an invoice of the account's free charges (Idempotency-Key honoured)",
      ...onAccount("billing.invoice.create", {
        409: "Charge is already on an invoice, or the key's first request is running",
      }),
      idempotency: idempotent,
      request: {
        params: PatientIdParam,
        body: doc.jsonBody(ChargeIds),
      },
      responses: {
        201: doc.answer("A DRAFT; Location names it", Invoice),
        400: doc.invalidFields("Invalid ids, or a charge not of this account"),
      },
    }),
    async (c) => {
      const { patientId } = c.req.valid("param");
      const created = await billing.draftInvoice(patientId, c.req.valid("json").chargeIds, {
        audit: auditChange(c),
        traceparent: c.get("traceparent"),
      });
      auditCommitted(c);
      c.header("Location", clientPath(c, `/billing/invoices/${created.id}`));
      return jsonText<z.infer<typeof Invoice>, 201>(c, created.json, 201);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/accounts/{patientId}/statement",
      summary: "The account's statement for a period (from, to: inclusive, UTC; both optional)",
      ...onAccount("billing.read", { 400: "Malformed id or period" }),
      request: {
        params: PatientIdParam,
        query: z.object({ from: periodBound("from"), to: periodBound("to") }),
      },
      responses: { 200: doc.answer("The statement", Statement) },
    }),
    async (c) => {
      const { patientId } = c.req.valid("param");
      const { from, to } = c.req.valid("query");
      const period = { from: instant(from, false), to: instant(to, true) };
      if (period.from && period.to && period.from > period.to) {
        throw jsonError(400, "from must not be after to");
      }
      const json = await billing.statement(patientId, period, {
        from: from ?? null,
        to: to ?? null,
      });
      return jsonText<z.infer<typeof Statement>, 200>(c, json, 200);
    },
  );

  return app;
}
