import type { InvoiceSummary } from "@pms/billing-api";
import type { Sql } from "@pms/db";

/**
 * The account's invoices as gRPC `ListInvoices` sends them, newest first (ties by id, so the
 * order is stable): no lines or payments, `number` `""` until issued, amounts as numbers (minor
 * units; bigint stays exact as float8 far beyond the 10^12 limit of an amount).
 */
export async function listInvoiceSummaries(
  sql: Sql,
  accountId: string,
): Promise<InvoiceSummary[]> {
  const rows = await sql<InvoiceSummary[]>`
    select id, coalesce(number, '') as number, status, currency,
           total::float8 as total, paid::float8 as paid
    from invoices
    where account_id = ${accountId}
    order by created_at desc, id desc`;
  return [...rows];
}
