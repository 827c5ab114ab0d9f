import { type PatientAccess, remotePatientAccess } from "@pms/patient_access";
import { createPatientDirectory, type PatientDirectory } from "@pms/patient_directory";
import {
  type RecordServiceConfig,
  type RecordServiceParts,
  recordServiceParts,
} from "./record_service_parts.ts";
import type { ServiceContext } from "./service_manifest.ts";

/** The settings {@linkcode patientDataParts} reads, beyond {@linkcode recordServiceParts}'. */
export interface PatientDataConfig extends RecordServiceConfig {
  /** The patient service, asked whether a patient exists and who may see it. */
  PATIENT_URL: string;
  /** `FHIR_BASE_URL`. */
  FHIR_BASE_URL: string;
}

/** What a service that stores records about patients builds alike. */
export interface PatientDataParts extends RecordServiceParts {
  /** Who may see which patient (the patient service decides). */
  access: PatientAccess;
  /** Whether a patient exists and is not deleted. */
  patients: PatientDirectory;
  /** `FHIR_BASE_URL`. */
  fhirBaseUrl: string;
}

/**
 * A patient-data service's parts (scheduling, clinical): {@linkcode recordServiceParts}, and the
 * patient service asked for patients and for who may see them.
 */
export function patientDataParts(
  context: Pick<ServiceContext<PatientDataConfig>, "config" | "db" | "kafka" | "logger">,
  topic: string,
): PatientDataParts {
  const { config } = context;
  return {
    ...recordServiceParts(context, topic),
    access: remotePatientAccess({ url: config.PATIENT_URL }),
    patients: createPatientDirectory({ url: config.PATIENT_URL }),
    fhirBaseUrl: config.FHIR_BASE_URL,
  };
}
