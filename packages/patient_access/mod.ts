/**
 * Restricted records: who may see which patient (the patient service decides, from its
 * restrictions and break-glass grants), and the middleware every service that serves patient
 * data runs, which refuses a restricted record and masks it in lists.
 *
 * @module
 */
export type { AccessDecision, Caller, PatientAccess } from "./patient_access.ts";
export { RESTRICTED_MESSAGE, restrictedRecord } from "./restricted_record.ts";
export { remotePatientAccess, type RemotePatientAccessOptions } from "./remote_patient_access.ts";
export { restrictedRecords, type RestrictedRecordsOptions } from "./restricted_records/mod.ts";
export { maskRestricted, type PatientOf, patientOfRecord } from "./mask_restricted.ts";
export { unrestricted } from "./unrestricted.ts";
export type { PatientDataRoutesDeps } from "./patient_data_routes_deps.ts";
export {
  mountPatientData,
  type MountPatientDataOptions,
  type PatientDataFhirOptions,
} from "./mount_patient_data.ts";
