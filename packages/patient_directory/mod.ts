/**
 * The patient check of the services that store a `patientId` (scheduling, clinical): asks the
 * patient service whether a patient exists and is not deleted, with the caller's token.
 *
 * @module
 */
export {
  createPatientDirectory,
  type PatientDirectory,
  type PatientDirectoryOptions,
  type PatientStatus,
} from "./create_patient_directory.ts";
