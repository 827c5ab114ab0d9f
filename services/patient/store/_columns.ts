import type { Tx } from "@pms/db";

/** The columns of a patient as the API shows it. */
// `updated_at_text` is kept by a trigger with every write of `updated_at` (RFC 3339, UTC, ms).
export const COLUMNS = (sql: Tx) =>
  sql`id, name, email, address, date_of_birth::text as "dateOfBirth",
      registered_date::text as "registeredDate", version, updated_at_text as "updatedAt"`;

/**
 * A patient as the API shows it, as one JSON object built from a row of `patients` (unqualified
 * column names: use it over one row source).
 */
export const PATIENT_JSON = (sql: Tx) =>
  sql`json_build_object('id', id, 'name', name, 'email', email, 'address', address,
      'dateOfBirth', date_of_birth::text, 'registeredDate', registered_date::text,
      'version', version, 'updatedAt', updated_at_text)`;
