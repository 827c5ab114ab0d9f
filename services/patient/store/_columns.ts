import type { Tx } from "@pms/db";

/** The columns of a patient as the API shows it. */
// `updated_at_text` is kept by a trigger with every write (RFC 3339, UTC, ms); so is `api_json`,
// these same fields as the JSON object the API sends (migration 00010).
export const COLUMNS = (sql: Tx) =>
  sql`id, name, email, address, date_of_birth::text as "dateOfBirth",
      registered_date::text as "registeredDate", version, updated_at_text as "updatedAt"`;
