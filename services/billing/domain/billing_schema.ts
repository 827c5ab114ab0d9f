import { z } from "@hono/zod-openapi";
import { isSafeText, parseDay } from "@pms/http";

/** The highest amount of one charge or payment, in minor units. */
export const MAX_AMOUNT = 1_000_000_000_000;

/** ISO 4217 codes the runtime knows (ICU's list, `Intl.supportedValuesOf`). */
export const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

/** Money in a request: whole minor units of a known currency, 1 … 10^12; never a float. */
export const MoneyInput = z.strictObject({
  amount: z.number({ error: "Amount must be a whole number of minor units" })
    .int("Amount must be a whole number of minor units")
    .min(1, "Amount must be at least 1").max(MAX_AMOUNT, `Amount cannot exceed ${MAX_AMOUNT}`),
  currency: z.string({ error: "Currency is required" })
    .refine((c) => CURRENCIES.has(c), "Currency must be an ISO 4217 code"),
}, { error: (issue) => issue.input == null ? "Amount is required" : "Amount must be money" })
  .openapi("MoneyInput", { example: { amount: 12500, currency: "USD" } });

/** Money as the API returns it (a balance may be negative: credit). */
export const Money = z.object({
  amount: z.number().int().openapi({ description: "Minor units (ISO 4217)" }),
  currency: z.string().openapi({ example: "USD" }),
}).openapi("Money");

const text = (label: string, max: number) =>
  z.string({ error: (i) => i.input == null ? `${label} is required` : `${label} must be a string` })
    .trim().min(1, `${label} is required`).max(max, `${label} cannot exceed ${max} characters`)
    .refine(isSafeText, `${label} contains invalid characters`);

/** The body of `POST /billing/accounts/{patientId}/charges`. */
export const CreateCharge = z.strictObject({
  code: text("Code", 20).openapi({ example: "99213" }),
  description: text("Description", 255).openapi({ example: "Office visit, established patient" }),
  amount: MoneyInput,
  serviceDate: z.string({ error: "Service date is required" })
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Service date must be a valid date (YYYY-MM-DD)")
    .refine((d) => parseDay(d) !== undefined, "Service date must be a valid date (YYYY-MM-DD)")
    .refine(
      (d) => d <= new Date().toISOString().slice(0, 10),
      "Service date cannot be in the future",
    )
    .openapi({ format: "date", example: "2026-11-20" }),
}).openapi("CreateChargeRequest");

/**
 * `chargeIds`: 1–100 distinct charge ids, in any case (made lower case here, as PostgreSQL writes
 * them, so that distinctness and the account's charges compare canonical ids).
 */
export const ChargeIds = z.strictObject({
  chargeIds: z.array(z.guid({ error: "Charge ids must be UUIDs" }).toLowerCase(), {
    error: "Charge ids are required",
  }).min(1, "At least one charge is required").max(100, "At most 100 charges")
    .refine((ids) => new Set(ids).size === ids.length, "Charge ids must be distinct"),
}).openapi("InvoiceChargesRequest");

/** Payment methods. */
export const PAYMENT_METHODS = ["CARD", "CASH", "BANK_TRANSFER", "INSURANCE"] as const;

/** The body of `POST /billing/invoices/{id}/payments`. */
export const CreatePayment = z.strictObject({
  amount: MoneyInput,
  method: z.enum(PAYMENT_METHODS, {
    error: (i) =>
      i.input == null
        ? "Method is required"
        : `Method must be one of ${PAYMENT_METHODS.join(", ")}`,
  }),
  reference: z.string({ error: "Reference must be a string" }).trim()
    .max(100, "Reference cannot exceed 100 characters")
    .refine(isSafeText, "Reference contains invalid characters").nullable().optional(),
}).openapi("CreatePaymentRequest");

/** A charge. */
export const Charge = z.object({
  id: z.string(),
  patientId: z.string(),
  code: z.string(),
  description: z.string(),
  amount: Money,
  serviceDate: z.string().openapi({ format: "date" }),
  invoiceId: z.string().nullable().openapi({ description: "The non-void invoice it is on" }),
  createdAt: z.string().openapi({ format: "date-time" }),
}).openapi("Charge");

/** A payment. */
export const Payment = z.object({
  id: z.string(),
  invoiceId: z.string(),
  amount: Money,
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().nullable(),
  receivedAt: z.string().openapi({ format: "date-time" }),
}).openapi("Payment");

/** An invoice. */
export const Invoice = z.object({
  id: z.string(),
  number: z.string().nullable().openapi({ description: "INV-<year>-<n>, once issued" }),
  patientId: z.string(),
  status: z.enum(["DRAFT", "ISSUED", "PAID", "VOID"]),
  lines: z.array(Charge),
  total: Money,
  paid: Money,
  due: Money.openapi({ description: "max(total − paid, 0)" }),
  payments: z.array(Payment),
  createdAt: z.string(),
  issuedAt: z.string().nullable(),
  paidAt: z.string().nullable(),
  voidedAt: z.string().nullable(),
}).openapi("Invoice");

/** A patient's billing account. */
export const Account = z.object({
  accountId: z.string(),
  patientId: z.string(),
  status: z.string().openapi({ example: "ACTIVE" }),
  currency: z.string().openapi({ example: "USD" }),
  balance: Money.openapi({ description: "Owed (+) or credit (−): issued totals − payments" }),
  unbilled: Money.openapi({ description: "Charges on no invoice" }),
}).openapi("BillingAccount");

/** A statement of account. */
export const Statement = z.object({
  patientId: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  openingBalance: Money,
  entries: z.array(z.object({
    time: z.string(),
    type: z.enum(["INVOICE", "PAYMENT", "VOID", "MERGE", "MERGE_REVERSED"]).openapi({
      description: "MERGE: the balance moved to or from a merged patient's account; " +
        "MERGE_REVERSED: moved back by an unmerge",
    }),
    invoiceId: z.string().nullable(),
    invoiceNumber: z.string().nullable(),
    paymentId: z.string().nullable(),
    amount: Money.openapi({ description: "+ owed, − paid" }),
    balance: Money,
  })),
  closingBalance: Money,
}).openapi("Statement");
