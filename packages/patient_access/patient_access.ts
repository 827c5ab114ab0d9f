/** Who asks: the signed-in user, and their token for a question to another service. */
export interface Caller {
  /** The user's id (the token's `uid`). */
  userId: string;
  /** The caller's bearer token. */
  token: string;
}

/** What the patient service decides for one caller and some patients. */
export interface AccessDecision {
  /**
   * The patients restricted to others: their records are refused (`403`) and masked in lists.
   * Absent from it: unrestricted patients, patients the caller is listed for, and patients the
   * caller holds a live break-glass grant for.
   */
  hidden: Set<string>;
  /** The patients the caller sees only through a live break-glass grant → the grant's id. */
  grants: Map<string, string>;
}

/** Asks who may see which patient. */
export interface PatientAccess {
  /** The decision for `caller` on `patientIds` (lower-case UUIDs). */
  decide(patientIds: string[], caller: Caller): Promise<AccessDecision>;
}
