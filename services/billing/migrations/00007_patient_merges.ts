// Patient merges followed (topic `patient`): a merge moves the source's charges and invoices (their
// payments follow the invoice) to the target's account and its balance with two balanced `MERGE`
// ledger transactions, one per account, through the clearing account `merge:<other patient>`; an
// unmerge moves back exactly what moved (`MERGE_REVERSED`). The ledger stays append-only.
import type { Tx } from "@pms/db";
import { createPatientMergeTables } from "@pms/events";

/** Merge kinds in the ledger, the merge tables, and the balance each merge moved. */
export default async function patientMerges(sql: Tx): Promise<void> {
  await createPatientMergeTables(sql);
  await sql.unsafe(`
    alter table ledger_transactions alter column invoice_id drop not null;
    alter table ledger_transactions drop constraint ledger_transactions_kind_check;
    alter table ledger_transactions add constraint ledger_transactions_kind_check
      check (kind in ('INVOICE', 'PAYMENT', 'VOID', 'MERGE', 'MERGE_REVERSED'));
    alter table ledger_transactions add constraint ledger_transactions_invoice_check
      check (invoice_id is not null or kind in ('MERGE', 'MERGE_REVERSED'));
    create table patient_merge_balances (
      source_id uuid primary key,
      target_id uuid not null,
      amount bigint not null,
      currency text not null
    );`);
}
