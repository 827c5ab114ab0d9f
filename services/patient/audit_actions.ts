import type { AuditAction } from "@pms/audit";

/** The patient service's audited calls (route → action); every 401/403 at them is recorded too. */
export const PATIENT_AUDIT_ACTIONS: Record<string, AuditAction> = {
  "GET /patients": "patient.search",
  "GET /patients/deleted": "patient.search",
  "GET /patients/:id": "patient.read",
  "GET /patients/:id/history": "patient.history",
  "POST /patients": "patient.create",
  "PUT /patients/:id": "patient.update",
  "PATCH /patients/:id": "patient.patch",
  "DELETE /patients/:id": "patient.delete",
  "POST /patients/:id/restore": "patient.restore",
};
