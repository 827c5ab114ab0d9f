import type { Sql, Tx } from "@pms/db";
import {
  followPatientMerges as followEachMerge,
  type PatientEvent,
  type ReceivedEvent,
} from "@pms/events";
import { appendLedgerTransaction } from "../store/ledger.ts";

interface Account {
  accountId: string;
  patientId: string;
  currency: string;
  balance: number;
}

/**
 * Both patients' accounts, locked in id order (the target's opened when it has none yet), after
 * the invoices that move (`from` patient's, or the ids given): a payment locks its invoice, then
 * its account, so the same order never deadlocks with one.
 */
async function lockAccounts(
  tx: Tx,
  source: string,
  target: string,
  currency: string,
  invoices: { from: string } | { ids: string[] },
) {
  await ("ids" in invoices
    ? tx`select id from invoices where id = any(${invoices.ids}::uuid[]) order by id for update`
    : tx`
      select i.id from invoices i join billing_accounts a using (account_id)
      where a.patient_id = ${invoices.from} order by i.id for update of i`);
  await tx`
    insert into billing_accounts (account_id, patient_id, currency)
    values (${crypto.randomUUID()}, ${target}, ${currency})
    on conflict (patient_id) do nothing`;
  const rows = await tx<Account[]>`
    select account_id as "accountId", patient_id::text as "patientId", currency,
      balance::int8 as balance
    from billing_accounts where patient_id in (${source}, ${target})
    order by account_id for update`;
  return {
    from: rows.find((r) => r.patientId === source),
    to: rows.find((r) => r.patientId === target),
  };
}

/**
 * Moves `amount` of receivable from one account to the other: a balanced transaction of `kind` on
 * each, through the clearing account `merge:<the other patient>` (the two clearings cancel).
 */
async function moveBalance(
  tx: Tx,
  kind: "MERGE" | "MERGE_REVERSED",
  from: Account,
  to: Account,
  amount: number,
) {
  if (amount === 0) return;
  await appendLedgerTransaction(tx, {
    accountId: from.accountId,
    kind,
    currency: from.currency,
    entries: [
      { ledgerAccount: "receivable", amount: -amount },
      { ledgerAccount: `merge:${to.patientId}`, amount },
    ],
  });
  await appendLedgerTransaction(tx, {
    accountId: to.accountId,
    kind,
    currency: to.currency,
    entries: [
      { ledgerAccount: "receivable", amount },
      { ledgerAccount: `merge:${from.patientId}`, amount: -amount },
    ],
  });
}

/** Moves rows of `table` (`charges` or `invoices`) between accounts; the ids moved. */
async function moveRows(
  tx: Tx,
  table: "charges" | "invoices",
  from: string,
  to: string,
  ids?: string[],
) {
  const rows = await tx<{ id: string }[]>`
    update ${tx(table)} set account_id = ${to}
    where account_id = ${from} ${ids ? tx`and id = any(${ids}::uuid[])` : tx``}
    returning id::text as id`;
  return rows.map((r) => r.id);
}

/** A merge: the source's charges, invoices (with their payments) and balance to the target. */
async function applyMerge(tx: Tx, source: string, target: string, currency: string) {
  const { from, to } = await lockAccounts(tx, source, target, currency, { from: source });
  if (!from || !to) return;
  for (const table of ["charges", "invoices"] as const) {
    const ids = await moveRows(tx, table, from.accountId, to.accountId);
    if (ids.length === 0) continue;
    await tx`
      insert into patient_merge_moves (source_id, target_id, record_table, record_id)
      select ${source}, ${target}, ${table}, unnest(${ids}::uuid[]) on conflict do nothing`;
  }
  // Accounts in two currencies cannot share a balance: it stays (the rows still move).
  const amount = from.currency === to.currency ? Number(from.balance) : 0;
  await moveBalance(tx, "MERGE", from, to, amount);
  await tx`
    insert into patient_merge_balances (source_id, target_id, amount, currency)
    values (${source}, ${target}, ${amount}, ${from.currency})
    on conflict (source_id) do update set target_id = excluded.target_id,
      amount = excluded.amount, currency = excluded.currency`;
}

/** An unmerge: exactly what the merge moved, back to the source. */
async function applyUnmerge(tx: Tx, source: string, target: string, currency: string) {
  const invoices = await tx<{ id: string }[]>`
    select record_id::text as id from patient_merge_moves
    where source_id = ${source} and target_id = ${target} and record_table = 'invoices'`;
  const { from, to } = await lockAccounts(tx, source, target, currency, {
    ids: invoices.map((r) => r.id),
  });
  if (!from || !to) return;
  for (const table of ["charges", "invoices"] as const) {
    const moved = await tx<{ id: string }[]>`
      delete from patient_merge_moves
      where source_id = ${source} and target_id = ${target} and record_table = ${table}
      returning record_id::text as id`;
    if (moved.length > 0) {
      await moveRows(tx, table, to.accountId, from.accountId, moved.map((r) => r.id));
    }
  }
  // What moved, less what was paid (or voided) since on the moved invoices at the target's
  // account: the target's balance is as before the merge, the source's owes what is still open.
  const [balance] = await tx<{ amount: number }[]>`
    with b as (
      delete from patient_merge_balances where source_id = ${source} and target_id = ${target}
      returning amount)
    select ((select coalesce(sum(amount), 0) from b) + coalesce((
      select sum(e.amount) from ledger_transactions t
      join ledger_entries e on e.transaction_id = t.id and e.ledger_account = 'receivable'
      where t.account_id = ${to.accountId}
        and t.invoice_id = any(${invoices.map((r) => r.id)}::uuid[])), 0))::int8 as amount`;
  await moveBalance(tx, "MERGE_REVERSED", to, from, Number(balance?.amount ?? 0));
}

/**
 * The handler of topic `patient` in billing: `PATIENT_MERGED` moves the source's charges,
 * invoices and balance to the target's account, `PATIENT_UNMERGED` moves them back; each event
 * once (its id recorded in the same transaction), other events ignored. The account rows are
 * locked first, so the balances and the ledger move together with any concurrent payment.
 */
export function followPatientMerges(
  sql: Sql,
  currency: string,
): (received: ReceivedEvent<PatientEvent>[]) => Promise<void> {
  return followEachMerge(sql, {
    merge: (tx, source, target) => applyMerge(tx, source, target, currency),
    unmerge: (tx, source, target) => applyUnmerge(tx, source, target, currency),
  });
}
