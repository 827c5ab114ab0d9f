import type { AuditAction } from "@pms/audit";

const about = (action: string): AuditAction => ({ action, patient: { param: "patientId" } });

/**
 * The billing service's audited calls (route → action). Account routes name their patient
 * whatever the outcome; invoice routes name the invoice's patient when it exists. Changes commit
 * their record with the change.
 */
export const BILLING_AUDIT_ACTIONS: Record<string, AuditAction> = {
  "GET /billing/accounts/:patientId": about("billing.read"),
  "GET /billing/accounts/:patientId/charges": about("billing.read"),
  "GET /billing/accounts/:patientId/statement": about("billing.read"),
  "POST /billing/accounts/:patientId/charges": about("billing.charge.create"),
  "POST /billing/accounts/:patientId/invoices": about("billing.invoice.create"),
  "GET /billing/invoices/:id": "billing.read",
  "PATCH /billing/invoices/:id": "billing.invoice.update",
  "POST /billing/invoices/:id/issue": "billing.invoice.issue",
  "POST /billing/invoices/:id/void": "billing.invoice.void",
  "POST /billing/invoices/:id/payments": "billing.payment.create",
};
