import type { AuditRecord } from "@pms/audit";
import type { Sql, Tx } from "@pms/db";
import { DomainError, notFound } from "@pms/http";
import type { PatientAccess } from "@pms/patient_access";
import { signalCommit } from "@pms/worker";
import type { RestrictionAccess } from "./restriction_access.ts";
import {
  deleteRestriction,
  findRestriction,
  insertGrant,
  upsertRestriction,
} from "../store/restriction_store.ts";
import { queueChange } from "./outbox.ts";
import type { BreakGlassGrant, Restriction } from "./restriction_schema.ts";

const NOT_RESTRICTED = "Patient is not restricted";

/** Who changes a restriction or asks for a grant, from which request. */
export interface RestrictionContext {
  /** The user's id (`setBy`, the grant's user). */
  userId: string;
  traceparent?: string;
  /** The request's SUCCESS audit record, committed with the change. */
  audit?: AuditRecord;
}

/** Restricted records and break-glass grants. */
export interface RestrictionService extends PatientAccess {
  /** The restriction of a patient. @throws not_found (patient, or "Patient is not restricted") */
  get(patientId: string): Promise<Restriction>;
  /** Sets or replaces a restriction, with its event and audit record. @throws not_found */
  set(
    patientId: string,
    input: { allowedUserIds: string[]; reason: string },
    context: RestrictionContext,
  ): Promise<Restriction>;
  /** Clears a restriction. @throws not_found (patient, or "Patient is not restricted") */
  clear(patientId: string, context: RestrictionContext): Promise<void>;
  /**
   * Grants the caller `BREAK_GLASS_MINUTES` of access to a patient, with a `PATIENT_BREAK_GLASS`
   * event (the security alert) and the `patient.break-glass` audit record the review queue reads.
   * @throws not_found
   */
  breakGlass(
    patientId: string,
    input: { reason: string; justification: string },
    context: RestrictionContext,
  ): Promise<BreakGlassGrant>;
}

/** Options for {@linkcode createRestrictionService}. */
export interface RestrictionServiceOptions {
  /** `BREAK_GLASS_MINUTES`: how long a grant lasts. */
  breakGlassMinutes: number;
  /** The access rules in memory: told of each change, and reloaded before it answers. */
  access: RestrictionAccess;
}

/** The restriction use cases on the patient service's database. */
export function createRestrictionService(
  sql: Sql,
  options: RestrictionServiceOptions,
): RestrictionService {
  /** The patient's row, locked: restriction changes of one patient commit one at a time. */
  async function lockPatient(tx: Tx, patientId: string) {
    const [patient] = await tx<{ id: string; version: number }[]>`
      select id, version from patients
      where id = ${patientId} and deleted_at is null for update`;
    if (!patient) throw notFound("Patient");
    return patient;
  }

  async function restrictionChanged(
    tx: Tx,
    patient: { id: string; version: number },
    restricted: boolean,
    context: RestrictionContext,
    details: Record<string, unknown>,
  ): Promise<string[]> {
    return await queueChange(
      tx,
      "PATIENT_RESTRICTION_CHANGED",
      { id: patient.id, name: "", email: "", version: patient.version },
      context.traceparent ?? null,
      context.audit && {
        ...context.audit,
        patientIds: [patient.id],
        details: { ...context.audit.details, ...details },
      },
      { restricted },
    );
  }

  return {
    decide: (patientIds, caller) => options.access.decide(patientIds, caller),
    noneRestricted: () => options.access.noneRestricted?.() ?? false,
    async get(patientId) {
      const [patient] = await sql`
        select 1 from patients where id = ${patientId} and deleted_at is null`;
      if (!patient) throw notFound("Patient");
      const restriction = await findRestriction(sql, patientId);
      if (!restriction) throw new DomainError("not_found", NOT_RESTRICTED);
      return restriction;
    },
    async set(patientId, input, context) {
      let channels: string[] = [];
      const allowed = [...new Set(input.allowedUserIds)];
      const restriction = await sql.begin(async (tx) => {
        const patient = await lockPatient(tx, patientId);
        const restriction = await upsertRestriction(
          tx,
          patientId,
          allowed,
          input.reason,
          context.userId,
        );
        channels = await restrictionChanged(tx, patient, true, context, {
          allowedUserIds: allowed,
        });
        await options.access.notify(tx);
        return restriction;
      });
      // Exact in this instance before the answer: no call served here after it sees the record.
      await options.access.reload();
      signalCommit(...channels);
      return restriction;
    },
    async clear(patientId, context) {
      let channels: string[] = [];
      await sql.begin(async (tx) => {
        const patient = await lockPatient(tx, patientId);
        if (!await deleteRestriction(tx, patientId)) {
          throw new DomainError("not_found", NOT_RESTRICTED);
        }
        channels = await restrictionChanged(tx, patient, false, context, {});
        await options.access.notify(tx);
      });
      await options.access.reload();
      signalCommit(...channels);
    },
    async breakGlass(patientId, input, context) {
      let channels: string[] = [];
      const grant = await sql.begin(async (tx) => {
        const patient = await lockPatient(tx, patientId);
        const grant = await insertGrant(
          tx,
          { patientId, userId: context.userId, ...input },
          options.breakGlassMinutes,
        );
        channels = await queueChange(
          tx,
          "PATIENT_BREAK_GLASS",
          { id: patient.id, name: "", email: "", version: patient.version },
          context.traceparent ?? null,
          context.audit && {
            ...context.audit,
            patientIds: [patientId],
            details: {
              ...context.audit.details,
              grantId: grant.grantId,
              reason: grant.reason,
              justification: input.justification,
              expiresAt: grant.expiresAt,
            },
          },
          {
            breakGlass: {
              grantId: grant.grantId,
              userId: grant.userId,
              reason: grant.reason,
              expiresAt: new Date(grant.expiresAt),
            },
          },
        );
        await options.access.notify(tx);
        return grant;
      });
      await options.access.reload();
      signalCommit(...channels);
      return grant;
    },
  };
}
