import { formatMoney } from "./format_money.ts";
import type { InvoiceNotice } from "./invoice_notice.ts";
import type { MailMessage } from "./mail_message.ts";

/**
 * The `INVOICE` mail for an issued invoice: its number, total and amount due, as money with the
 * currency, and nothing else of the invoice (no charge lines).
 */
export function invoiceMessage(
  from: string,
  to: string,
  name: string,
  invoice: InvoiceNotice,
): MailMessage {
  return {
    from,
    to,
    subject: `Invoice ${invoice.number}`,
    text: `Dear ${name},\n\nyour invoice ${invoice.number} has been issued.\n\n` +
      `Total: ${formatMoney(invoice.total, invoice.currency)}\n` +
      `Amount due: ${formatMoney(invoice.due, invoice.currency)}\n\n` +
      "Kind regards,\nPatient Management\n",
  };
}
