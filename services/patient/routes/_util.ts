import { auditChange, auditCommitted, auditNote } from "@pms/audit";
import { answerVersion, type AppEnv, expectedVersions } from "@pms/http";
import type { Role } from "@pms/jwt";
import type { Context } from "hono";
import type { Changed } from "../domain/patient_operations.ts";
import type { PatientRecord } from "../domain/patient_record.ts";
import type { ChangeContext } from "../domain/patient_service.ts";

/**
 * Who may call what: the patient rows of the contract's role matrix, the same over REST and FHIR
 * (vread and `_history` as history).
 */
export const PATIENT_ROLES = {
  read: ["ADMIN", "CLINICIAN", "FRONT_DESK", "BILLING"],
  write: ["ADMIN", "CLINICIAN", "FRONT_DESK"],
  history: ["ADMIN", "CLINICIAN"],
  admin: ["ADMIN"],
} as const;

/** A call on the patient a `{id}` path parameter names: audited as `action`, made by `roles`. */
function onPatient<const R extends readonly Role[]>(action: string, roles: R) {
  return { audit: { action, patient: { param: "id" } }, roles };
}

/**
 * The calls on one patient (the one a `{id}` path parameter names), the same over REST and FHIR:
 * each one's audit action, which names the patient, and its row of the role matrix.
 */
export const PATIENT_CALLS = {
  read: onPatient("patient.read", PATIENT_ROLES.read),
  /** FHIR vread: a version, read as patient history is. */
  vread: onPatient("patient.read", PATIENT_ROLES.history),
  history: onPatient("patient.history", PATIENT_ROLES.history),
  /** The likely duplicates: other patients too, each masked when restricted. */
  duplicates: {
    audit: { action: "patient.duplicates", patient: { param: "id", listsOthers: true } },
    roles: PATIENT_ROLES.read,
  },
  /** FHIR `$everything`: the patient with its Appointments, Encounters and Observations. */
  everything: onPatient("patient.everything", ["ADMIN", "CLINICIAN"]),
  update: onPatient("patient.update", PATIENT_ROLES.write),
  patch: onPatient("patient.patch", PATIENT_ROLES.write),
  delete: onPatient("patient.delete", PATIENT_ROLES.admin),
  restore: onPatient("patient.restore", PATIENT_ROLES.admin),
} as const;

/** One of the {@linkcode PATIENT_CALLS}. */
export type PatientCall = typeof PATIENT_CALLS[keyof typeof PATIENT_CALLS];

/** Who makes a change from this request (REST or FHIR), with its audit record. */
export function changeContext(c: Context<AppEnv>, withVersion = false): ChangeContext {
  return {
    actor: c.get("user").sub,
    traceparent: c.get("traceparent"),
    expectedVersions: withVersion ? expectedVersions(c) : undefined,
    audit: auditChange(c),
  };
}

/** The patient a change left, the request's audit record committed when a version was written. */
export function committed(c: Context<AppEnv>, { patient, changed }: Changed): PatientRecord {
  if (changed) auditCommitted(c);
  return patient;
}

/**
 * The handler of a read of what the patient `{id}` names has: `read(id)` answered `200` (with
 * its `ETag` when it has a version, `304` to an `If-None-Match` naming it), the patient named in
 * the request's audit record.
 */
export async function answerRead<R extends object>(
  c: Context<AppEnv, string, { out: { param: { id: string } } }>,
  read: (id: string) => Promise<R>,
): Promise<Response> {
  const id = c.req.valid("param").id;
  const found = await read(id);
  auditNote(c, { patientIds: [id] });
  return "version" in found && typeof found.version === "number"
    ? answerVersion(c, { ...found, version: found.version }, 200)
    : c.json(found, 200);
}
