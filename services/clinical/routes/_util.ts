/** The clinical row of the role matrix: encounters, observations, notes read and write. */
export const CLINICAL_ROLES = ["ADMIN", "CLINICIAN"] as const;
