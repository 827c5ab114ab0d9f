import type { Tx } from "@pms/db";

/** A charge as the API shows it, over `c` (charges) joined with `a` (billing_accounts). */
export const CHARGE_JSON = (sql: Tx) =>
  sql`json_build_object('id', c.id, 'patientId', a.patient_id, 'code', c.code,
    'description', c.description, 'amount', billing_money(c.amount, c.currency),
    'serviceDate', c.service_date::text, 'invoiceId', c.invoice_id,
    'createdAt', billing_time(c.created_at))`;

/** A payment as the API shows it, over `p` (payments). */
export const PAYMENT_JSON = (sql: Tx) =>
  sql`json_build_object('id', p.id, 'invoiceId', p.invoice_id,
    'amount', billing_money(p.amount, p.currency), 'method', p.method,
    'reference', p.reference, 'receivedAt', billing_time(p.received_at))`;

/** An invoice as the API shows it (lines, payments, totals), over `i` joined with `a`. */
export const INVOICE_JSON = (sql: Tx) =>
  sql`json_build_object('id', i.id, 'number', i.number, 'patientId', a.patient_id,
    'status', i.status,
    'lines', (select coalesce(json_agg(${CHARGE_JSON(sql)}
                order by c.service_date desc, c.created_at desc, c.id), '[]'::json)
              from invoice_lines l join charges c on c.id = l.charge_id
              where l.invoice_id = i.id),
    'total', billing_money(i.total, i.currency), 'paid', billing_money(i.paid, i.currency),
    'due', billing_money(greatest(i.total - i.paid, 0), i.currency),
    'payments', (select coalesce(json_agg(${PAYMENT_JSON(sql)} order by p.received_at, p.id),
                   '[]'::json)
                 from payments p where p.invoice_id = i.id),
    'createdAt', billing_time(i.created_at), 'issuedAt', billing_time(i.issued_at),
    'paidAt', billing_time(i.paid_at), 'voidedAt', billing_time(i.voided_at))`;

/** The invoice `id` as the API's JSON text, and its patient (undefined when there is none). */
export async function invoiceJson(
  sql: Tx,
  id: string,
): Promise<{ json: string; patientId: string } | undefined> {
  const [row] = await sql<{ json: string; patientId: string }[]>`
    select ${INVOICE_JSON(sql)}::text as json, a.patient_id as "patientId"
    from invoices i join billing_accounts a on a.account_id = i.account_id
    where i.id = ${id}`;
  return row;
}
