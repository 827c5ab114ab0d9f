import type { AuditAction } from "@pms/audit";

const about = (action: string): AuditAction => ({ action, patient: { param: "id" } });

/**
 * The patient service's audited calls (route → action; the `:id` they name goes into the record
 * whatever the outcome). Every 401/403 at them is recorded too; searches add their page's ids.
 * The FHIR facade's interactions are recorded with the same actions as their REST twins (vread
 * as a read), with `details.api: "fhir"`.
 */
export const PATIENT_AUDIT_ACTIONS: Record<string, AuditAction> = {
  "GET /patients": "patient.search",
  "GET /patients/deleted": "patient.search",
  "GET /patients/:id": about("patient.read"),
  "GET /patients/:id/history": about("patient.history"),
  "POST /patients": "patient.create",
  "PUT /patients/:id": about("patient.update"),
  "PATCH /patients/:id": about("patient.patch"),
  "DELETE /patients/:id": about("patient.delete"),
  "POST /patients/:id/restore": about("patient.restore"),
  "GET /patients/:id/duplicates": about("patient.duplicates"),
  // A patient's groups: a search of groups by patient.
  "GET /patients/:id/groups": { action: "group.search", patient: { param: "id" } },
  "GET /groups": "group.search",
  "GET /groups/:id": "group.read",
  "POST /groups": "group.create",
  "PATCH /groups/:id": "group.update",
  "DELETE /groups/:id": "group.delete",
  "POST /groups/:id/members": { action: "group.member.add", patient: { body: "patientId" } },
  "DELETE /groups/:id/members/:patientId": {
    action: "group.member.remove",
    patient: { param: "patientId" },
  },
  "GET /fhir/R4/Patient": "patient.search",
  "GET /fhir/R4/Patient/:id": about("patient.read"),
  "GET /fhir/R4/Patient/:id/_history": about("patient.history"),
  "GET /fhir/R4/Patient/:id/_history/:vid": about("patient.read"),
  "POST /fhir/R4/Patient": "patient.create",
  "PUT /fhir/R4/Patient/:id": about("patient.update"),
  "DELETE /fhir/R4/Patient/:id": about("patient.delete"),
};
