/** Who did it, from the verified token (`null` when nobody was authenticated). */
export interface AuditActor {
  userId: string | null;
  email: string;
  role: string | null;
}

/** `SUCCESS` (2xx, 304), `DENIED` (401, 403), `FAILED` (every other status). */
export type AuditOutcome = "SUCCESS" | "DENIED" | "FAILED";

/**
 * One audited call, as the recording service writes it to its outbox and publishes it to topic
 * `audit` (JSON, key `id`). The audit service adds `seq` and `hash`.
 */
export interface AuditRecord {
  /** Made by the recording service; the audit service stores each id once. */
  id: string;
  /** RFC 3339 UTC with milliseconds. */
  time: string;
  actor: AuditActor | null;
  /** For example `patient.read`; the contract lists them. */
  action: string;
  outcome: AuditOutcome;
  /** Patients named or returned (a search: its page). */
  patientIds: string[];
  service: string;
  clientAddress: string | null;
  requestId: string | null;
  traceId: string | null;
  /** A search's query parameters, an update's changed field names, a failed login's reason. */
  details: Record<string, unknown>;
}

/** What a handler adds to its request's record. */
export interface AuditNote {
  /** Another action than the route's (a refresh that reuses a spent token: `auth.refresh.reuse`). */
  action?: string;
  patientIds?: string[];
  details?: Record<string, unknown>;
  /** The actor when there is no token yet (a login names the user it logged in). */
  actor?: AuditActor | null;
}
