import { DomainError, fieldErrors, notFound } from "@pms/http";
import type { ChangeOutcome, PatientRecord } from "./patient_record.ts";
import { etagOf } from "@pms/http";
import { CreatePatient, type PatchPatient } from "./patient_schema.ts";
import type { ChangeContext, PatientService } from "./patient_service.ts";
import type { z } from "zod";

const DELETED = "Patient was deleted";
const STALE = "Patient was changed by someone else";
/** Merges a patch without expected versions tries against the latest version before it gives up. */
const MAX_MERGE_ATTEMPTS = 25;
const MERGEABLE = ["name", "email", "address", "dateOfBirth", "registeredDate"] as const;

/** A change that went through: the patient, and whether a new version was written. */
export interface Changed {
  patient: PatientRecord;
  /** False when nothing differed (no version, no event, no audit record of its own). */
  changed: boolean;
}

/** How a patient that is deleted is refused: REST does not know it, FHIR says it is gone. */
export interface DeletedAs {
  /** `not_found` (REST) or `gone` (FHIR). */
  deleted?: "not_found" | "gone";
}

/**
 * The patient operations both presenters (REST and FHIR) call: each returns what was asked for or
 * throws a `DomainError` of its kind (`not_found`, `gone`, `precondition` with the current ETag,
 * `conflict`), which the one error handler answers in the presenter's format.
 */
export interface PatientOperations {
  /**
   * The patient (a deleted one with `includeDeleted`); `not_found` otherwise, or `gone` for a
   * deleted one with `deleted: "gone"`.
   */
  find(
    id: string,
    options?: { includeDeleted?: boolean } & DeletedAs,
  ): Promise<PatientRecord & { deleted: boolean }>;
  /** Registers a patient. @throws {DomainError} conflict (the email) */
  create: PatientService["create"];
  /** Replaces a patient's fields, at the expected versions when given. */
  update(
    id: string,
    input: Parameters<PatientService["update"]>[1],
    context: ChangeContext,
    options?: DeletedAs,
  ): Promise<Changed>;
  /**
   * RFC 7396 on the patient's fields; without expected versions the patch applies to the version
   * it was merged with, merged again if someone else changes the patient in between.
   */
  patch(id: string, patch: z.infer<typeof PatchPatient>, context: ChangeContext): Promise<Changed>;
  /** Soft delete; `alreadyDeleted` when there was nothing to delete (FHIR answers 204 again). */
  remove(id: string, context: ChangeContext): Promise<Changed | { alreadyDeleted: true }>;
  /** Brings a deleted patient back; `conflict` when it is not deleted. */
  restore(id: string, context: ChangeContext): Promise<Changed>;
}

/** The current version's precondition failure, with its ETag. */
function stale(version: number): DomainError {
  return new DomainError("precondition", STALE, { headers: { ETag: etagOf(version) } });
}

/** RFC 7396 on the patient's fields: a value replaces, `null` removes, absent keeps. */
function mergePatch(current: PatientRecord, patch: Record<string, unknown>) {
  const merged: Record<string, unknown> = {};
  for (const field of MERGEABLE) {
    const value = field in patch ? patch[field] : current[field];
    if (value !== null && value !== undefined) merged[field] = value;
  }
  return merged;
}

/** The operations over `service`. */
export function createPatientOperations(service: PatientService): PatientOperations {
  const find: PatientOperations["find"] = async (id, options = {}) => {
    const gone = options.deleted === "gone";
    const patient = await service.get(id, { includeDeleted: options.includeDeleted || gone });
    if (!patient) throw notFound("Patient");
    if (gone && patient.deleted && !options.includeDeleted) throw new DomainError("gone", DELETED);
    return patient;
  };
  /** A change's outcome as the patient, or the refusal of its kind. */
  const settled = async (
    id: string,
    outcome: ChangeOutcome,
    options: DeletedAs = {},
  ): Promise<Changed> => {
    switch (outcome.outcome) {
      case "changed":
        return { patient: outcome.patient, changed: true };
      case "unchanged":
        return { patient: outcome.patient, changed: false };
      case "stale":
        throw stale(outcome.version);
      case "not-deleted":
        throw new DomainError("conflict", "Patient is not deleted");
      case "missing": {
        if (options.deleted === "gone" && (await find(id, { includeDeleted: true })).deleted) {
          throw new DomainError("gone", DELETED);
        }
        throw notFound("Patient");
      }
    }
  };
  return {
    find,
    create: (input, context) => service.create(input, context),
    update: async (id, input, context, options) =>
      await settled(id, await service.update(id, input, context), options),
    async patch(id, patch, context) {
      const given = context.expectedVersions;
      for (let attempt = 0;; attempt++) {
        const current = await find(id);
        if (given && !given.includes(current.version)) throw stale(current.version);
        const parsed = CreatePatient.safeParse(mergePatch(current, patch));
        if (!parsed.success) {
          throw new DomainError("invalid", "Invalid patient", {
            fields: fieldErrors(parsed.error),
          });
        }
        const outcome = await service.update(id, parsed.data, {
          ...context,
          expectedVersions: given ?? [current.version],
        });
        if (outcome.outcome !== "stale" || given) return await settled(id, outcome);
        // Without expected versions the client asked for no precondition, so never 412: each
        // round some concurrent writer wins, and a patient changed this often is a conflict.
        if (attempt >= MAX_MERGE_ATTEMPTS - 1) {
          throw new DomainError("conflict", "Patient is being changed by others; try again", {
            headers: { "Retry-After": "1" },
          });
        }
      }
    },
    async remove(id, context) {
      const outcome = await service.remove(id, context);
      if (outcome.outcome === "missing") {
        await find(id, { includeDeleted: true });
        return { alreadyDeleted: true };
      }
      return await settled(id, outcome);
    },
    restore: async (id, context) => await settled(id, await service.restore(id, context)),
  };
}
