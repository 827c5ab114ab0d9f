/** What an `INVOICE` mail says about the invoice (amounts in integer minor units). */
export interface InvoiceNotice {
  number: string;
  total: number;
  /** What is left to pay (the total, at issue). */
  due: number;
  /** ISO 4217. */
  currency: string;
}
