import type { Sql } from "@pms/db";

/** A patient's billing account. Holds no patient data beyond the id (data minimisation). */
export interface BillingAccount {
  accountId: string;
  patientId: string;
  /** `ACTIVE` when opened. */
  status: string;
  createdAt: Date;
}

/** Storage of billing accounts, on the billing service's own database. */
export interface BillingAccountStore {
  /**
   * Opens the patient's account, or returns the one already open: `created` says which.
   * Concurrent calls for one patient make exactly one account.
   */
  open(patientId: string): Promise<{ account: BillingAccount; created: boolean }>;
  /** The patient's account, if one was opened. */
  findByPatientId(patientId: string): Promise<BillingAccount | undefined>;
}

interface Row {
  account_id: string;
  patient_id: string;
  status: string;
  created_at: Date;
}

function toAccount(row: Row): BillingAccount {
  return {
    accountId: row.account_id,
    patientId: row.patient_id,
    status: row.status,
    createdAt: row.created_at,
  };
}

/** The billing account store. `patientId` must already be a valid UUID. */
export function createBillingAccountStore(sql: Sql): BillingAccountStore {
  const find = async (patientId: string) => {
    const [row] = await sql<Row[]>`
      select account_id, patient_id, status, created_at
      from billing_accounts where patient_id = ${patientId}`;
    return row ? toAccount(row) : undefined;
  };
  return {
    async open(patientId) {
      // A racing insert for the same patient waits for the first to commit, then does nothing;
      // the select that follows (a new snapshot) sees the committed row. Should that first
      // insert roll back instead, the next round inserts.
      for (let attempt = 0; attempt < 3; attempt++) {
        const [inserted] = await sql<Row[]>`
          insert into billing_accounts (account_id, patient_id)
          values (${crypto.randomUUID()}, ${patientId})
          on conflict (patient_id) do nothing
          returning account_id, patient_id, status, created_at`;
        if (inserted) return { account: toAccount(inserted), created: true };
        const existing = await find(patientId);
        if (existing) return { account: existing, created: false };
      }
      throw new Error("billing account neither inserted nor found");
    },
    findByPatientId: find,
  };
}
