import type { Tx } from "@pms/db";
import { appendLedgerTransaction } from "./ledger.ts";

/** An invoice row as the domain needs it. */
export interface InvoiceRow {
  id: string;
  accountId: string;
  patientId: string;
  status: "DRAFT" | "ISSUED" | "PAID" | "VOID";
  number: string | null;
  currency: string;
  total: number;
  paid: number;
}

/** Why a set of charges cannot go on an invoice. */
export type ChargeProblem =
  | { problem: "unknown"; chargeId: string }
  | { problem: "taken" };

/** Locks an invoice (until the transaction ends) and reads it; undefined when there is none. */
export async function lockInvoice(tx: Tx, id: string): Promise<InvoiceRow | undefined> {
  // The lock first, on the invoice alone: a join locked in the same statement would recheck a
  // row a merge moved to another account against the account it left, and miss it.
  await tx`select id from invoices where id = ${id} for update`;
  const [row] = await tx<InvoiceRow[]>`
    select i.id, i.account_id as "accountId", a.patient_id as "patientId", i.status, i.number,
           i.currency, i.total::float8 as total, i.paid::float8 as paid
    from invoices i join billing_accounts a on a.account_id = i.account_id
    where i.id = ${id} for update of i`;
  return row;
}

/**
 * Why the account's charges `ids` cannot go on `invoiceId`: a charge that is not the account's,
 * or one on another non-void invoice; undefined when they can. `lock` keeps them (until the
 * transaction ends) for the change that follows.
 */
export async function chargeProblem(
  tx: Tx,
  invoiceId: string,
  accountId: string,
  ids: string[],
  lock = false,
): Promise<ChargeProblem | undefined> {
  const charges = await tx<{ id: string; invoiceId: string | null }[]>`
    select id, invoice_id as "invoiceId" from charges
    where account_id = ${accountId} and id = any(${ids}::uuid[])
    order by id ${lock ? tx`for update` : tx``}`;
  const found = new Set(charges.map((c) => c.id));
  const unknown = ids.find((id) => !found.has(id));
  if (unknown) return { problem: "unknown", chargeId: unknown };
  if (charges.some((c) => c.invoiceId !== null && c.invoiceId !== invoiceId)) {
    return { problem: "taken" };
  }
  return undefined;
}

/**
 * Locks the account's charges `ids` and puts them on `invoiceId` (a charge is on at most one
 * non-void invoice), replacing the invoice's lines and total; or says why not (see
 * {@linkcode chargeProblem}).
 */
export async function setInvoiceLines(
  tx: Tx,
  invoiceId: string,
  accountId: string,
  ids: string[],
): Promise<ChargeProblem | undefined> {
  const problem = await chargeProblem(tx, invoiceId, accountId, ids, true);
  if (problem) return problem;
  // Two statements: a statement's CTEs share one snapshot, so an insert would not see the
  // delete of the same line.
  await tx`
    with freed as (
      update charges set invoice_id = null
      where invoice_id = ${invoiceId} and id <> all(${ids}::uuid[]))
    delete from invoice_lines where invoice_id = ${invoiceId}`;
  await tx`
    with taken as (update charges set invoice_id = ${invoiceId} where id = any(${ids}::uuid[])),
    lines as (
      insert into invoice_lines (invoice_id, charge_id)
      select ${invoiceId}, unnest(${ids}::uuid[]))
    update invoices set total = (select sum(amount) from charges where id = any(${ids}::uuid[]))
    where id = ${invoiceId}`;
  return undefined;
}

/** Creates an empty draft invoice (its lines follow with {@linkcode setInvoiceLines}). */
export async function insertDraftInvoice(
  tx: Tx,
  accountId: string,
  currency: string,
): Promise<string> {
  const id = crypto.randomUUID();
  await tx`insert into invoices (id, account_id, currency, total)
           values (${id}, ${accountId}, ${currency}, 0)`;
  return id;
}

/**
 * Issues a locked draft: its number, `ISSUED`, and the ledger's `INVOICE` transaction
 * (+total receivable, −total revenue). Returns the number.
 */
export async function issueInvoice(tx: Tx, invoice: InvoiceRow): Promise<string> {
  const [row] = await tx<{ number: string }[]>`
    update invoices set status = 'ISSUED', issued_at = now(),
      number = 'INV-' || to_char(now() at time zone 'UTC', 'YYYY') || '-' ||
               lpad(nextval('invoice_numbers')::text, 6, '0')
    where id = ${invoice.id} returning number`;
  await appendLedgerTransaction(tx, {
    accountId: invoice.accountId,
    kind: "INVOICE",
    invoiceId: invoice.id,
    currency: invoice.currency,
    entries: [
      { ledgerAccount: "receivable", amount: invoice.total },
      { ledgerAccount: "revenue", amount: -invoice.total },
    ],
  });
  return row!.number;
}

/**
 * Voids a locked draft, or an issued invoice with nothing paid (its issue reversed in the
 * ledger); its charges become free again.
 */
export async function voidInvoice(tx: Tx, invoice: InvoiceRow): Promise<void> {
  await tx`
    with freed as (update charges set invoice_id = null where invoice_id = ${invoice.id})
    update invoices set status = 'VOID', voided_at = now() where id = ${invoice.id}`;
  if (invoice.status === "ISSUED") {
    await appendLedgerTransaction(tx, {
      accountId: invoice.accountId,
      kind: "VOID",
      invoiceId: invoice.id,
      currency: invoice.currency,
      entries: [
        { ledgerAccount: "receivable", amount: -invoice.total },
        { ledgerAccount: "revenue", amount: invoice.total },
      ],
    });
  }
}
