import type { Sql } from "@pms/db";

/** A patient's billing account. Holds no patient data beyond the id (data minimisation). */
export interface BillingAccount {
  accountId: string;
  patientId: string;
  /** `ACTIVE` when opened. */
  status: string;
  /** ISO 4217: every charge, invoice and payment of the account is in it. */
  currency: string;
  /** Owed (+) or credit (−), minor units: issued totals − payments. */
  balance: number;
  createdAt: Date;
}

/** Storage of billing accounts, on the billing service's own database. */
export interface BillingAccountStore {
  /**
   * Opens the patient's account (in `currency`), or returns the one already open: `created`
   * says which. Concurrent calls for one patient make exactly one account.
   */
  open(
    patientId: string,
    currency?: string,
  ): Promise<{ account: BillingAccount; created: boolean }>;
  /**
   * {@linkcode BillingAccountStore.open} for many patients at once, in one statement: each
   * patient's account by its lower-case id.
   */
  openMany(
    patientIds: string[],
    currency?: string,
  ): Promise<Map<string, { account: BillingAccount; created: boolean }>>;
  /** The patient's account, if one was opened. */
  findByPatientId(patientId: string): Promise<BillingAccount | undefined>;
  /** The account as the API shows it (with `unbilled`), as JSON text. */
  findJson(patientId: string): Promise<string | undefined>;
}

const COLUMNS = (sql: Sql) =>
  sql`account_id as "accountId", patient_id as "patientId", status, currency,
      balance::float8 as balance, created_at as "createdAt"`;

/** The billing account store. `patientId` must already be a valid UUID. */
export function createBillingAccountStore(sql: Sql): BillingAccountStore {
  const find = async (patientId: string) => {
    const [row] = await sql<BillingAccount[]>`
      select ${COLUMNS(sql)} from billing_accounts where patient_id = ${patientId}`;
    return row;
  };
  return {
    async open(patientId, currency = "USD") {
      // A racing insert for the same patient waits for the first to commit, then does nothing;
      // the select that follows (a new snapshot) sees the committed row. Should that first
      // insert roll back instead, the next round inserts.
      for (let attempt = 0; attempt < 3; attempt++) {
        const [inserted] = await sql<BillingAccount[]>`
          insert into billing_accounts (account_id, patient_id, currency)
          values (${crypto.randomUUID()}, ${patientId}, ${currency})
          on conflict (patient_id) do nothing
          returning ${COLUMNS(sql)}`;
        if (inserted) return { account: inserted, created: true };
        const existing = await find(patientId);
        if (existing) return { account: existing, created: false };
      }
      throw new Error("billing account neither inserted nor found");
    },
    async openMany(patientIds, currency = "USD") {
      // Sorted, so that two batches naming the same patients take their locks in one order.
      const ids = [...new Set(patientIds.map((id) => id.toLowerCase()))].sort();
      const opened = new Map<string, { account: BillingAccount; created: boolean }>();
      if (ids.length === 0) return opened;
      const rows = await sql<(BillingAccount & { created: boolean })[]>`
        with incoming as (
          select * from unnest(${ids}::uuid[], ${ids.map(() => crypto.randomUUID())}::uuid[])
            as i(patient_id, account_id)
          order by patient_id
        ), inserted as (
          insert into billing_accounts (account_id, patient_id, currency)
          select account_id, patient_id, ${currency} from incoming
          on conflict (patient_id) do nothing
          returning *
        )
        select ${COLUMNS(sql)}, true as created from inserted
        union all
        select ${COLUMNS(sql)}, false from billing_accounts
        where patient_id = any(${ids}::uuid[])
          and patient_id not in (select patient_id from inserted)`;
      for (const { created, ...account } of rows) {
        opened.set(account.patientId, { account, created });
      }
      // An account a concurrent call committed after this statement's snapshot: as `open` does.
      for (const id of ids) if (!opened.has(id)) opened.set(id, await this.open(id, currency));
      return opened;
    },
    findByPatientId: find,
    async findJson(patientId) {
      const [row] = await sql<{ json: string }[]>`
        select json_build_object('accountId', a.account_id, 'patientId', a.patient_id,
          'status', a.status, 'currency', a.currency,
          'balance', billing_money(a.balance, a.currency),
          'unbilled', billing_money(coalesce((select sum(amount) from charges c
            where c.account_id = a.account_id and c.invoice_id is null), 0)::bigint,
            a.currency))::text as json
        from billing_accounts a where a.patient_id = ${patientId}`;
      return row?.json;
    },
  };
}
