import type { Tx } from "@pms/db";
import type { InvoiceRow } from "./invoice_store.ts";
import { appendLedgerTransaction } from "./ledger.ts";
import { PAYMENT_JSON } from "./_json.ts";

/** A payment to record (money already checked against the invoice's currency). */
export interface NewPayment {
  amount: number;
  method: "CARD" | "CASH" | "BANK_TRANSFER" | "INSURANCE";
  reference?: string | null;
}

/**
 * Records a payment on a locked `ISSUED` invoice: the payment, the invoice's paid amount (PAID
 * once covered; an excess stays as account credit) and the ledger's `PAYMENT` transaction
 * (−amount receivable, +amount `cash:<method>`). Whether it made the invoice `PAID`.
 */
export async function recordPayment(
  tx: Tx,
  invoice: InvoiceRow,
  payment: NewPayment,
): Promise<{ id: string; json: string; paidNow: boolean }> {
  const id = crypto.randomUUID();
  const [row] = await tx<{ json: string; status: string }[]>`
    with p as (
      insert into payments (id, invoice_id, account_id, amount, currency, method, reference)
      values (${id}, ${invoice.id}, ${invoice.accountId}, ${payment.amount}, ${invoice.currency},
              ${payment.method}, ${payment.reference ?? null})
      returning *),
    i as (
      update invoices set paid = paid + ${payment.amount},
        status = case when paid + ${payment.amount} >= total then 'PAID' else status end,
        paid_at = case when paid + ${payment.amount} >= total then now() else paid_at end
      where id = ${invoice.id} returning status)
    select ${PAYMENT_JSON(tx)}::text as json, i.status from p, i`;
  await appendLedgerTransaction(tx, {
    accountId: invoice.accountId,
    kind: "PAYMENT",
    invoiceId: invoice.id,
    paymentId: id,
    currency: invoice.currency,
    entries: [
      { ledgerAccount: "receivable", amount: -payment.amount },
      { ledgerAccount: `cash:${payment.method}`, amount: payment.amount },
    ],
  });
  return { id, json: row!.json, paidNow: row!.status === "PAID" };
}
