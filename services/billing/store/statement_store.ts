import type { Sql } from "@pms/db";

/** A period of a statement: instants, both inclusive, either open. */
export interface Period {
  from?: Date;
  to?: Date;
}

/**
 * An account's statement as the API's JSON text: the balance before `from`, each ledger
 * transaction in the period in order (its receivable amount: + owed, − paid) with the running
 * balance, and the closing balance (opening + Σ entries).
 */
export async function statementJson(
  sql: Sql,
  account: { accountId: string; patientId: string; currency: string },
  period: Period,
  echo: { from: string | null; to: string | null },
): Promise<string> {
  const from = period.from ?? null;
  const to = period.to ?? null;
  const [row] = await sql<{ json: string }[]>`
    with r as (
      select t.time, t.seq, t.kind, t.invoice_id, t.payment_id, e.amount
      from ledger_transactions t
      join ledger_entries e on e.transaction_id = t.id and e.ledger_account = 'receivable'
      where t.account_id = ${account.accountId}),
    opening as (
      select coalesce(sum(amount), 0)::bigint as amount from r
      where ${from}::timestamptz is not null and time < ${from}::timestamptz),
    period as (
      select r.*, (select amount from opening) +
               sum(r.amount) over (order by r.time, r.seq) as balance
      from r
      where (${from}::timestamptz is null or r.time >= ${from}::timestamptz)
        and (${to}::timestamptz is null or r.time <= ${to}::timestamptz))
    select json_build_object(
      'patientId', ${account.patientId}::uuid, 'from', ${echo.from}::text,
      'to', ${echo.to}::text,
      'openingBalance', billing_money((select amount from opening), ${account.currency}),
      'entries', coalesce((
        select json_agg(json_build_object('time', billing_time(p.time), 'type', p.kind,
                 'invoiceId', p.invoice_id, 'invoiceNumber', i.number,
                 'paymentId', p.payment_id,
                 'amount', billing_money(p.amount, ${account.currency}),
                 'balance', billing_money(p.balance::bigint, ${account.currency}))
               order by p.time, p.seq)
        from period p left join invoices i on i.id = p.invoice_id), '[]'::json),
      'closingBalance', billing_money(
        (select amount from opening) + coalesce((select sum(amount) from period), 0)::bigint,
        ${account.currency}))::text as json`;
  return row!.json;
}
