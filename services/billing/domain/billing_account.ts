/** A patient's billing account. Holds no patient data beyond the id (data minimisation). */
export interface BillingAccount {
  accountId: string;
  patientId: string;
  /** `ACTIVE` when opened. */
  status: string;
  createdAt: Date;
}

/** The status of a newly opened account. */
export const ACCOUNT_STATUS_ACTIVE = "ACTIVE";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID in its canonical 8-4-4-4-12 hex form (any version). */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}
