import type { AuditRecord } from "@pms/audit";
import type { Sql } from "@pms/db";
import { notFound } from "@pms/http";
import { signalCommit } from "@pms/worker";
import { currentConsents, insertConsent } from "../store/consent_store.ts";
import { type Consent, CONSENT_SCOPES, type ConsentScope } from "./consent_schema.ts";
import { queueChange } from "./outbox.ts";

/** Who records a consent, from which request. */
export interface ConsentContext {
  /** The user's id (`recordedBy`). */
  userId: string;
  traceparent?: string;
  /** The request's SUCCESS audit record, committed with the change. */
  audit?: AuditRecord;
}

/** A patient's consents: read them all, record a new version of one. */
export interface ConsentService {
  /** One consent per scope (`UNKNOWN`, version 0, if never recorded). @throws not_found */
  list(patientId: string): Promise<Consent[]>;
  /**
   * Records a new version of `scope`'s consent, with its `PATIENT_CONSENT_CHANGED` event and
   * audit record in the same transaction. @throws not_found for a missing or deleted patient
   */
  record(
    patientId: string,
    scope: ConsentScope,
    status: "GRANTED" | "DENIED",
    context: ConsentContext,
  ): Promise<Consent>;
}

/** The consent use cases on the patient service's database. */
export function createConsentService(sql: Sql): ConsentService {
  return {
    async list(patientId) {
      const [found] = await sql`
        select 1 from patients where id = ${patientId} and deleted_at is null`;
      if (!found) throw notFound("Patient");
      const recorded = await currentConsents(sql, patientId);
      return CONSENT_SCOPES.map((scope) =>
        recorded.find((c) => c.scope === scope) ??
          {
            scope,
            status: "UNKNOWN",
            recordedBy: null,
            recordedAt: null,
            version: 0,
            createdAt: null,
            updatedAt: null,
          }
      );
    },
    async record(patientId, scope, status, context) {
      let channels: string[] = [];
      const consent = await sql.begin(async (tx) => {
        // The patient's row lock orders concurrent consent changes (and their versions).
        const [patient] = await tx<{ id: string; version: number }[]>`
          select id, version from patients
          where id = ${patientId} and deleted_at is null for update`;
        if (!patient) throw notFound("Patient");
        const consent = await insertConsent(tx, patientId, scope, status, context.userId);
        // The event names no one: a consent change is not a change of the patient's details.
        channels = await queueChange(
          tx,
          "PATIENT_CONSENT_CHANGED",
          { id: patientId, name: "", email: "", version: patient.version },
          context.traceparent ?? null,
          context.audit && {
            ...context.audit,
            patientIds: [patientId],
            details: { ...context.audit.details, scope, status, version: consent.version },
          },
          { consent: { scope, status, version: consent.version } },
        );
        return consent;
      });
      signalCommit(...channels);
      return consent as Consent;
    },
  };
}
