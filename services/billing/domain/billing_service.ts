import { isUuid } from "@pms/ids";
import { type AuditRecord, insertAuditRecords } from "@pms/audit";
import type { Sql, Tx } from "@pms/db";
import { type BillingEvent, encodeBillingEvent, insertOutboxEvents } from "@pms/events";
import type { JsonPage } from "@pms/http";
import type { BillingAccount, BillingAccountStore } from "../store/billing_account_store.ts";
import { insertCharge, listCharges, type NewCharge } from "../store/charge_store.ts";
import {
  chargeProblem,
  insertDraftInvoice,
  type InvoiceRow,
  issueInvoice,
  lockInvoice,
  setInvoiceLines,
  voidInvoice,
} from "../store/invoice_store.ts";
import { type NewPayment, recordPayment } from "../store/payment_store.ts";
import { type Period, statementJson } from "../store/statement_store.ts";
import { invoiceJson } from "../store/_json.ts";
import { DomainError, notFound } from "@pms/http";

/** Money as requests carry it. */
export interface MoneyInput {
  amount: number;
  currency: string;
}

/** The request's audit record (committed with the change) and trace context. */
export interface BillingContext {
  audit?: AuditRecord;
  traceparent?: string;
}

/** Charges, invoices, payments and statements on the ledger. */
export interface BillingService {
  /**
   * The patient whose account an invoice is on (undefined for none or a malformed id): asked
   * before a change to it, so that a restricted patient's invoice is refused before it changes.
   */
  patientOfInvoice(invoiceId: string): Promise<string | undefined>;
  /** The account as JSON. @throws {DomainError} not-found */
  account(patientId: string): Promise<string>;
  addCharge(
    patientId: string,
    charge: Omit<NewCharge, "amount" | "currency"> & { amount: MoneyInput },
    context?: BillingContext,
  ): Promise<string>;
  charges(patientId: string, page: { page: number; size: number }): Promise<JsonPage>;
  /** A draft of the charges; its id and JSON. */
  draftInvoice(
    patientId: string,
    chargeIds: string[],
    context?: BillingContext,
  ): Promise<{ id: string; json: string }>;
  /** The invoice's JSON and patient. @throws {DomainError} not-found */
  invoice(id: string): Promise<{ json: string; patientId: string }>;
  /** Replaces a draft's charges. */
  updateInvoice(id: string, chargeIds: string[], context?: BillingContext): Promise<string>;
  issue(id: string, context?: BillingContext): Promise<string>;
  void(id: string, context?: BillingContext): Promise<string>;
  pay(
    invoiceId: string,
    payment: Omit<NewPayment, "amount"> & { amount: MoneyInput },
    context?: BillingContext,
  ): Promise<{ json: string; patientId: string }>;
  statement(
    patientId: string,
    period: Period,
    echo: { from: string | null; to: string | null },
  ): Promise<string>;
}

const NOT_DRAFT = "Invoice is not a draft";

function sameCurrency(money: MoneyInput, currency: string): number {
  if (money.currency !== currency) {
    throw new DomainError("invalid", `Currency must be ${currency}`, { field: "amount" });
  }
  return money.amount;
}

/**
 * The billing use cases. Each change is one database transaction: its rows, its balanced ledger
 * transaction, its events (outbox, topic `billing`) and its audit record commit together.
 */
export function createBillingService(sql: Sql, accounts: BillingAccountStore): BillingService {
  const accountOf = async (patientId: string): Promise<BillingAccount> => {
    const account = await accounts.findByPatientId(patientId);
    if (!account) throw notFound("Billing account");
    return account;
  };
  const finish = async (
    tx: Tx,
    context: BillingContext,
    audit: { patientId: string; details: Record<string, unknown> },
    events: Omit<BillingEvent, "eventId" | "occurredAt">[] = [],
  ) => {
    if (events.length > 0) {
      const occurredAt = new Date();
      await insertOutboxEvents(
        tx,
        events.map((e) => ({
          key: e.patientId,
          payload: encodeBillingEvent({ ...e, eventId: crypto.randomUUID(), occurredAt }),
          traceparent: context.traceparent,
        })),
      );
    }
    if (context.audit) {
      await insertAuditRecords(tx, [{
        ...context.audit,
        patientIds: [audit.patientId],
        details: { ...context.audit.details, ...audit.details },
      }], true);
    }
  };
  const locked = async (tx: Tx, id: string): Promise<InvoiceRow> => {
    const invoice = await lockInvoice(tx, id);
    if (!invoice) throw notFound("Invoice");
    return invoice;
  };
  const answer = async (tx: Tx, id: string) => (await invoiceJson(tx, id))!.json;
  const linesProblem = (problem: Awaited<ReturnType<typeof setInvoiceLines>>) => {
    if (problem?.problem === "unknown") {
      throw new DomainError(
        "invalid",
        `Charge ${problem.chargeId} is not a charge of this account`,
        { field: "chargeIds" },
      );
    }
    if (problem?.problem === "taken") {
      throw new DomainError("conflict", "Charge is already on an invoice");
    }
  };
  const inTx = <T>(work: (tx: Tx) => Promise<T>): Promise<T> => sql.begin(work) as Promise<T>;

  return {
    async patientOfInvoice(invoiceId) {
      if (!isUuid(invoiceId)) return undefined;
      const [row] = await sql<{ patientId: string }[]>`
        select a.patient_id::text as "patientId" from invoices i
        join billing_accounts a using (account_id) where i.id = ${invoiceId}`;
      return row?.patientId;
    },
    async account(patientId) {
      const json = await accounts.findJson(patientId);
      if (!json) throw notFound("Billing account");
      return json;
    },
    async addCharge(patientId, charge, context = {}) {
      const account = await accountOf(patientId);
      const amount = sameCurrency(charge.amount, account.currency);
      return await inTx(async (tx) => {
        const created = await insertCharge(tx, account.accountId, {
          ...charge,
          amount,
          currency: account.currency,
        });
        await finish(tx, context, { patientId, details: { chargeId: created.id } });
        return created.json;
      });
    },
    async charges(patientId, page) {
      return await listCharges(sql, (await accountOf(patientId)).accountId, page);
    },
    async draftInvoice(patientId, chargeIds, context = {}) {
      const account = await accountOf(patientId);
      return await inTx(async (tx) => {
        const id = await insertDraftInvoice(tx, account.accountId, account.currency);
        linesProblem(await setInvoiceLines(tx, id, account.accountId, chargeIds));
        await finish(tx, context, { patientId, details: { invoiceId: id } });
        return { id, json: await answer(tx, id) };
      });
    },
    async invoice(id) {
      const found = await invoiceJson(sql, id);
      if (!found) throw notFound("Invoice");
      return found;
    },
    updateInvoice: (id, chargeIds, context = {}) =>
      inTx(async (tx) => {
        const invoice = await locked(tx, id);
        // Charges that are not the account's are a bad request whatever the invoice's state.
        if (invoice.status !== "DRAFT") {
          const problem = await chargeProblem(tx, id, invoice.accountId, chargeIds);
          if (problem?.problem === "unknown") linesProblem(problem);
          throw new DomainError("conflict", NOT_DRAFT);
        }
        linesProblem(await setInvoiceLines(tx, id, invoice.accountId, chargeIds));
        await finish(tx, context, { patientId: invoice.patientId, details: { invoiceId: id } });
        return await answer(tx, id);
      }),
    issue: (id, context = {}) =>
      inTx(async (tx) => {
        const invoice = await locked(tx, id);
        if (invoice.status !== "DRAFT") throw new DomainError("conflict", NOT_DRAFT);
        const number = await issueInvoice(tx, invoice);
        await finish(tx, context, {
          patientId: invoice.patientId,
          details: { invoiceId: id, invoiceNumber: number },
        }, [{
          eventType: "INVOICE_ISSUED",
          patientId: invoice.patientId,
          invoiceId: id,
          invoiceNumber: number,
          amount: invoice.total,
          currency: invoice.currency,
          paymentId: "",
        }]);
        return await answer(tx, id);
      }),
    void: (id, context = {}) =>
      inTx(async (tx) => {
        const invoice = await locked(tx, id);
        if (invoice.status === "VOID") {
          throw new DomainError("conflict", "Invoice is already void");
        }
        if (invoice.status === "PAID" || invoice.paid > 0) {
          throw new DomainError("conflict", "Invoice has payments and cannot be voided");
        }
        await voidInvoice(tx, invoice);
        await finish(tx, context, { patientId: invoice.patientId, details: { invoiceId: id } });
        return await answer(tx, id);
      }),
    pay: (invoiceId, payment, context = {}) =>
      inTx(async (tx) => {
        const invoice = await locked(tx, invoiceId);
        const amount = sameCurrency(payment.amount, invoice.currency);
        if (invoice.status !== "ISSUED") {
          throw new DomainError(
            "conflict",
            invoice.status === "PAID" ? "Invoice is already paid" : "Invoice is not issued",
          );
        }
        const recorded = await recordPayment(tx, invoice, { ...payment, amount });
        const event = {
          patientId: invoice.patientId,
          invoiceId,
          invoiceNumber: invoice.number ?? "",
          currency: invoice.currency,
          paymentId: recorded.id,
        };
        await finish(tx, context, {
          patientId: invoice.patientId,
          details: { invoiceId, paymentId: recorded.id },
        }, [
          { ...event, eventType: "PAYMENT_RECEIVED", amount },
          ...(recorded.paidNow
            ? [{ ...event, eventType: "INVOICE_PAID" as const, amount: invoice.total }]
            : []),
        ]);
        return { json: recorded.json, patientId: invoice.patientId };
      }),
    async statement(patientId, period, echo) {
      const account = await accountOf(patientId);
      return await statementJson(sql, account, period, echo);
    },
  };
}
