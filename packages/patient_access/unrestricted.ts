import type { PatientAccess } from "./patient_access.ts";

/**
 * Access where no record is restricted: for a unit test of routes that do not concern
 * restrictions (the patient service is not running there to be asked).
 */
export const unrestricted: PatientAccess = {
  decide: () => Promise.resolve({ hidden: new Set(), grants: new Map() }),
};
