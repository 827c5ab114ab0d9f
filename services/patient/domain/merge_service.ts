import type { AuditRecord } from "@pms/audit";
import { isUniqueViolation, type Sql, type Tx } from "@pms/db";
import { DomainError, DuplicateEmailError, notFound, requireVersion } from "@pms/http";
import { signalCommit } from "@pms/worker";
import { EMAIL_UNIQUE } from "../store/patient_store.ts";
import {
  closeMerge,
  dismissPair,
  insertMerge,
  lockPair,
  markMerged,
  markUnmerged,
  memberships,
  mergeLinks,
  type MergeSide,
  moveMemberships,
  openMerge,
  restoreMemberships,
  writeFields,
} from "../store/merge_store.ts";
import { queueChange } from "./outbox.ts";
import type { NewPatient, PatientRecord } from "./patient_record.ts";
import { chooseFields, type FieldChoice } from "./merge_fields.ts";

const MERGED = "Patient was merged";
const CHANGED_SINCE = "Patient changed since the merge";
const NOT_MERGED = "Patient is not merged";

/** Who merges, from which request. */
export interface MergeContext {
  /** The user's id, recorded in the history. */
  actor: string;
  traceparent?: string;
  /** `If-Match` on the target. */
  expectedVersions?: number[];
  /** The request's SUCCESS audit record, committed with the change. */
  audit?: AuditRecord;
}

/** What a merge asks for. */
export interface MergeRequest {
  targetId: string;
  sourceId: string;
  reason: string;
  fields?: FieldChoice;
  /** Nothing is written: the answer is what the merge would do. */
  preview?: boolean;
}

/** What a merge did (or, previewed, would do). */
export interface MergeResult {
  /** The target after the merge. */
  patient: PatientRecord;
  sourceId: string;
  moved: { groups: number };
  /** False for a preview. */
  changed: boolean;
}

/** Merge, unmerge and duplicate dismissal. */
export interface MergeService {
  /** @throws {DomainError} invalid, not_found, precondition, conflict */
  merge(request: MergeRequest, context: MergeContext): Promise<MergeResult>;
  /** @throws {DomainError} not_found, conflict */
  unmerge(
    sourceId: string,
    context: MergeContext,
  ): Promise<{ patient: PatientRecord; targetId: string }>;
  /** @throws {DomainError} invalid, not_found */
  dismiss(id: string, otherId: string, actor: string): Promise<void>;
  /** The target a patient was merged into, and the sources merged into it. */
  links(id: string): Promise<{ mergedInto: string | null; replaces: string[] }>;
}

/** Options of the merge use cases. */
export interface MergeServiceOptions {
  /** `MERGE_UNDO_DAYS`: how long a merge can be undone. */
  undoDays: number;
}

const fieldsOf = (p: PatientRecord): NewPatient => ({
  name: p.name,
  email: p.email,
  address: p.address,
  dateOfBirth: p.dateOfBirth,
  registeredDate: p.registeredDate,
});

const sameFields = (a: NewPatient, b: NewPatient) =>
  JSON.stringify(fieldsOf(a as PatientRecord)) === JSON.stringify(fieldsOf(b as PatientRecord));

/** The patient record of a merge side, without the merge's own flags (as every answer shows it). */
const recordOf = ({ deleted: _deleted, mergedInto: _mergedInto, ...record }: MergeSide) => record;

/**
 * A patient id as the database writes it: ids are UUIDs, matched in any case (`lockPair` answers
 * them lower-cased).
 */
const idOf = (id: string) => id.toLowerCase();

/** A patient that exists and is neither deleted nor merged, else the refusal (404 or 409). */
function present(side: MergeSide | undefined): asserts side is MergeSide {
  if (!side || (side.deleted && !side.mergedInto)) throw notFound("Patient");
}

const audited = (context: MergeContext, ids: string[], details: Record<string, unknown>) =>
  context.audit && {
    ...context.audit,
    patientIds: ids,
    details: { ...context.audit.details, ...details },
  };

async function emailChecked<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isUniqueViolation(error, EMAIL_UNIQUE)) throw new DuplicateEmailError();
    throw error;
  }
}

/** The merge use cases on the patient service's database. */
export function createMergeService(sql: Sql, options: MergeServiceOptions): MergeService {
  /** Runs `work` in one transaction and signals the channels it queued once committed. */
  const committed = async <T>(work: (tx: Tx, channels: string[]) => Promise<T>) => {
    const channels: string[] = [];
    const result = await emailChecked(sql.begin((tx) => work(tx, channels)));
    signalCommit(...channels);
    return result as T;
  };
  return {
    merge: (request, context) =>
      committed(async (tx, channels) => {
        const targetId = idOf(request.targetId);
        const sourceId = idOf(request.sourceId);
        if (targetId === sourceId) {
          throw new DomainError("invalid", "Invalid merge", {
            fields: { sourceId: "Cannot merge a patient with itself" },
          });
        }
        const pair = await lockPair(tx, targetId, sourceId);
        const target = pair.get(targetId);
        const source = pair.get(sourceId);
        present(target);
        present(source);
        const given = context.expectedVersions;
        requireVersion(target.version, "Patient", given);
        if (target.mergedInto || source.mergedInto) throw new DomainError("conflict", MERGED);
        const before = fieldsOf(target);
        const after = chooseFields(before, fieldsOf(source), request.fields ?? {});
        const kept = await memberships(tx, sourceId);
        if (request.preview) {
          return {
            patient: { ...recordOf(target), ...after, version: target.version + 1 },
            sourceId,
            moved: { groups: kept.length },
            changed: false,
          };
        }
        // The source first: an email the target takes from it is free once the source is hidden.
        const merged = await markMerged(tx, sourceId, targetId, context.actor);
        const patient = await writeFields(tx, targetId, after, context.actor, "MERGED");
        const joinedGroups = await moveMemberships(tx, sourceId, targetId);
        await insertMerge(tx, {
          id: crypto.randomUUID(),
          sourceId,
          targetId,
          reason: request.reason,
          mergedBy: context.actor,
          sourceVersion: merged.version,
          targetVersion: patient.version,
          targetBefore: before,
          memberships: kept,
          joinedGroups,
        });
        channels.push(
          ...await queueChange(
            tx,
            "PATIENT_MERGED",
            merged,
            context.traceparent,
            audited(context, [targetId, sourceId], {
              sourceId,
              fields: Object.keys(request.fields ?? {}),
            }),
            { mergedInto: targetId },
          ),
        );
        if (!sameFields(before, after)) {
          channels.push(...await queueChange(tx, "PATIENT_UPDATED", patient, context.traceparent));
        }
        return { patient, sourceId, moved: { groups: kept.length }, changed: true };
      }),

    unmerge: (id, context) =>
      committed(async (tx, channels) => {
        const sourceId = idOf(id);
        const merge = await openMerge(tx, sourceId);
        if (!merge) {
          const [row] = await tx<{ deleted: boolean }[]>`
            select deleted_at is not null as deleted from patients where id = ${sourceId}`;
          if (!row || row.deleted) throw notFound("Patient");
          throw new DomainError("conflict", NOT_MERGED);
        }
        const pair = await lockPair(tx, merge.targetId, sourceId);
        const target = pair.get(merge.targetId);
        const source = pair.get(sourceId);
        if (!target || !source) throw notFound("Patient");
        if (merge.ageDays >= options.undoDays) {
          throw new DomainError(
            "conflict",
            `A merge can be undone within ${options.undoDays} days only`,
          );
        }
        if (
          target.version !== merge.targetVersion || source.version !== merge.sourceVersion ||
          target.deleted
        ) {
          throw new DomainError("conflict", CHANGED_SINCE);
        }
        // The target first: it gives back an email it took from the source.
        const restoredTarget = await writeFields(
          tx,
          merge.targetId,
          merge.targetBefore,
          context.actor,
          "UNMERGED",
        );
        const patient = await markUnmerged(tx, sourceId, context.actor);
        await restoreMemberships(tx, merge);
        await closeMerge(tx, merge.id, context.actor);
        channels.push(
          ...await queueChange(
            tx,
            "PATIENT_UNMERGED",
            patient,
            context.traceparent,
            audited(context, [sourceId, merge.targetId], { targetId: merge.targetId }),
            { mergedInto: merge.targetId },
          ),
        );
        if (!sameFields(fieldsOf(target), merge.targetBefore)) {
          channels.push(
            ...await queueChange(tx, "PATIENT_UPDATED", restoredTarget, context.traceparent),
          );
        }
        return { patient, targetId: merge.targetId };
      }),

    dismiss: (first, second, actor) =>
      committed(async (tx) => {
        const id = idOf(first);
        const otherId = idOf(second);
        if (id === otherId) {
          throw new DomainError("invalid", "Invalid pair", {
            fields: { otherId: "A patient is no duplicate of itself" },
          });
        }
        const pair = await lockPair(tx, id, otherId);
        for (const side of [pair.get(id), pair.get(otherId)]) {
          if (!side || side.deleted) throw notFound("Patient");
        }
        await dismissPair(tx, id, otherId, actor);
      }),

    links: (id) => mergeLinks(sql, id),
  };
}
