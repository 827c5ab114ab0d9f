import type { Tx } from "@pms/db";

/** One side of a ledger transaction: `receivable` (+ owed), `revenue`, `cash:<method>`. */
export interface LedgerEntry {
  ledgerAccount: string;
  /** Minor units, signed; the transaction's entries sum to zero. */
  amount: number;
}

/** A business operation's ledger transaction. */
export interface LedgerTransaction {
  accountId: string;
  kind: "INVOICE" | "PAYMENT" | "VOID" | "MERGE" | "MERGE_REVERSED";
  /** Every kind's but a merge's. */
  invoiceId?: string;
  paymentId?: string;
  currency: string;
  entries: LedgerEntry[];
}

/**
 * Appends a balanced transaction and moves the account's maintained balance by its receivable
 * entries, in one statement of the caller's transaction. The database refuses to commit entries
 * that do not sum to zero (deferred constraint trigger) and any later edit of them.
 */
export async function appendLedgerTransaction(tx: Tx, t: LedgerTransaction): Promise<void> {
  const receivable = t.entries.filter((e) => e.ledgerAccount === "receivable")
    .reduce((sum, e) => sum + e.amount, 0);
  await tx`
    with t as (
      insert into ledger_transactions (id, account_id, kind, invoice_id, payment_id)
      values (${crypto.randomUUID()}, ${t.accountId}, ${t.kind}, ${t.invoiceId ?? null},
              ${t.paymentId ?? null})
      returning id),
    e as (
      insert into ledger_entries (transaction_id, account_id, ledger_account, amount, currency)
      select t.id, ${t.accountId}, x.ledger_account, x.amount, ${t.currency}
      from t, unnest(${t.entries.map((e) => e.ledgerAccount)}::text[],
                     ${t.entries.map((e) => e.amount)}::bigint[]) as x(ledger_account, amount))
    update billing_accounts set balance = balance + ${receivable}
    where account_id = ${t.accountId}`;
}
