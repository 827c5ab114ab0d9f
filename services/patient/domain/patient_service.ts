import type { AuditRecord } from "@pms/audit";
import { isUniqueViolation, type Sql, type Tx } from "@pms/db";
import { DuplicateEmailError } from "@pms/http";
import { canonicalUuid } from "@pms/ids";
import type { PatientEventType } from "@pms/events";
import {
  type CreatedPatient,
  deletePatient,
  EMAIL_UNIQUE,
  findPatient,
  findPatients,
  insertPatients,
  listDeletedPatients,
  listHistory,
  listPatients,
  type PatientCreate,
  readListVersion,
  restorePatient,
  updatePatient,
} from "../store/patient_store.ts";
import type {
  ChangeOutcome,
  JsonPage,
  NewPatient,
  PageQuery,
  PatientQuery,
  PatientRecord,
  PatientUpdate,
} from "./patient_record.ts";
import { findDuplicates } from "../store/duplicate_store.ts";
import { freshBatch } from "../store/fresh_batch.ts";
import { freshRead } from "../store/fresh_read.ts";
import { ListPageCache } from "../store/list_page_cache.ts";
import { type PatientSearch, searchPatients } from "../store/patient_search_store.ts";
import { findVersion, listVersions, type PatientVersion } from "../store/patient_version_store.ts";
import { signalCommit } from "@pms/worker";
import { createsQueued, queueChange } from "./outbox.ts";
import { batchCalls } from "../store/batch_calls.ts";

/** Who makes a change, and from which request. */
export interface ChangeContext {
  /** The user's email, recorded in the history (`system` when absent). */
  actor?: string;
  /** W3C `traceparent` of the request, carried on to the change's event. */
  traceparent?: string;
  /** `If-Match`: the change applies only to one of these versions. */
  expectedVersions?: number[];
  /**
   * The request's SUCCESS audit record: committed with the change (naming the patient, and for
   * an update the changed field names), only when something changed.
   */
  audit?: AuditRecord;
}

/** The audit record of a committed change: the patient, and an update's changed fields. */
function auditOf(
  context: ChangeContext,
  patientId: string,
  changedFields?: string[],
): AuditRecord | undefined {
  if (!context.audit) return undefined;
  return {
    ...context.audit,
    patientIds: [patientId],
    details: changedFields ? { ...context.audit.details, fields: changedFields } : {
      ...context.audit.details,
    },
  };
}

/** Raised when another patient (not deleted) has the email: a `conflict` (`@pms/http`). */
export { DuplicateEmailError };

/** The patient use cases. */
export interface PatientService {
  /** A page as JSON text (built by the database) and the total that match the filters. */
  list(query: PatientQuery): Promise<JsonPage>;
  /** A patient's likely duplicates as JSON, best first; undefined when it does not exist. */
  duplicates(id: string): Promise<JsonPage | undefined>;
  /** Deleted patients, most recently deleted first. */
  listDeleted(query: PageQuery): Promise<JsonPage>;
  /** A patient that is not deleted (with `includeDeleted`, a deleted one too). */
  get(
    id: string,
    options?: { includeDeleted?: boolean },
  ): Promise<(PatientRecord & { deleted: boolean }) | undefined>;
  /** A patient's versions, newest first. */
  history(id: string, page: { page: number; size: number }): Promise<JsonPage>;
  /** A search (the FHIR facade's): one page of patients that are not deleted, and the total. */
  search(search: PatientSearch): Promise<{ patients: PatientRecord[]; total: number }>;
  /** One version of a patient (any change, a deletion too), or undefined. */
  version(id: string, version: number): Promise<PatientVersion | undefined>;
  /** A patient's versions as records, newest first, from `offset`, and how many there are. */
  versions(
    id: string,
    page: { offset: number; limit: number },
  ): Promise<{ versions: PatientVersion[]; total: number }>;
  /**
   * Registers a patient, and counts the likely duplicates already there (the create stands).
   * @throws {DuplicateEmailError}
   */
  create(
    input: NewPatient & { id?: unknown },
    context?: ChangeContext,
  ): Promise<{ patient: PatientRecord; possibleDuplicates: number }>;
  /** @throws {DuplicateEmailError} */
  update(id: string, input: PatientUpdate, context?: ChangeContext): Promise<ChangeOutcome>;
  /** Soft delete. */
  remove(id: string, context?: ChangeContext): Promise<ChangeOutcome>;
  /** @throws {DuplicateEmailError} when the email was taken meanwhile. */
  restore(id: string, context?: ChangeContext): Promise<ChangeOutcome>;
}

async function mapDuplicate<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isUniqueViolation(error, EMAIL_UNIQUE)) throw new DuplicateEmailError();
    throw error;
  }
}

const EVENT: Record<string, PatientEventType> = {
  update: "PATIENT_UPDATED",
  remove: "PATIENT_DELETED",
  restore: "PATIENT_RESTORED",
};

/** A create waiting for its batch: the patient's row, and the request its event and audit name. */
interface NewCreate extends PatientCreate {
  context: ChangeContext;
}

/** The most creates one statement inserts (as many as a billing round opens accounts for). */
const MAX_CREATES_TOGETHER = 50;

/** How the patient use cases are tuned. */
export interface PatientServiceOptions {
  /**
   * How many list pages are kept, each served again while the database's list version says no
   * write touched the patients since it was read (see `ListPageCache`); 0 or none keeps none.
   */
  listCachePages?: number;
}

/**
 * The patient use cases on the service's own database. Each change commits in one transaction:
 * the new version, its history entry (same statement) and its event through the outbox (and,
 * for a new patient, its billing request).
 */
export function createPatientService(
  sql: Sql,
  options: PatientServiceOptions = {},
): PatientService {
  const listCache = new ListPageCache(
    options.listCachePages ?? 0,
    freshRead(() => readListVersion(sql)),
  );
  // Reads of one patient that arrive together share a statement, each started after its read
  // asked (`freshBatch`); ids that are no UUIDs are read alone, so they fail nobody else's.
  const readTogether = freshBatch((ids: string[]) => findPatients(sql, ids));
  /** Runs a change and, when it changed something, queues its event in the same transaction. */
  const change = (
    kind: keyof typeof EVENT,
    context: ChangeContext,
    write: (tx: Tx) => Promise<ChangeOutcome>,
  ) =>
    mapDuplicate((async () => {
      let channels: string[] = [];
      const outcome = await sql.begin(async (tx) => {
        const outcome = await write(tx);
        if (outcome.outcome === "changed") {
          channels = await queueChange(
            tx,
            EVENT[kind]!,
            outcome.patient,
            context.traceparent,
            auditOf(context, outcome.patient.id, outcome.changedFields),
          );
        }
        return outcome;
      });
      signalCommit(...channels);
      return outcome;
    })());
  /**
   * Inserts new patients with their events, billing requests and audit records in one statement;
   * the event and audit record are known before the insert (a new patient is version 1), so no
   * BEGIN or COMMIT either.
   */
  const insertCreates = async (creates: NewCreate[]) => {
    const queued = createsQueued(
      sql,
      creates.map((c) => ({
        patient: { id: c.id, name: c.input.name, email: c.input.email, version: 1 },
        traceparent: c.context.traceparent ?? null,
        audit: auditOf(c.context, c.id),
      })),
    );
    const rows = await insertPatients(sql, creates, queued);
    signalCommit(...queued.channels);
    return rows;
  };
  // Creates that arrive together, or while a batch is in flight, share one statement and commit.
  // A batch that fails on a taken email is tried again one create at a time, so only the create
  // whose email is taken (or the later of two with one email) fails.
  const createTogether = batchCalls(
    async (creates: NewCreate[]): Promise<PromiseSettledResult<CreatedPatient>[]> => {
      try {
        const rows = await insertCreates(creates);
        return rows.map((value) => ({ status: "fulfilled", value }));
      } catch (error) {
        if (creates.length === 1 || !isUniqueViolation(error, EMAIL_UNIQUE)) throw error;
        return Promise.allSettled(creates.map(async (c) => (await insertCreates([c]))[0]!));
      }
    },
    MAX_CREATES_TOGETHER,
  );
  return {
    list: (query) => listPatients(sql, query, listCache),
    duplicates: (id) => findDuplicates(sql, id),
    listDeleted: (query) => listDeletedPatients(sql, query),
    get: (id, options) => {
      const canonical = canonicalUuid(id);
      return options?.includeDeleted || !canonical
        ? findPatient(sql, id, options)
        : readTogether(canonical);
    },
    history: (id, page) => listHistory(sql, id, page),
    search: (search) => searchPatients(sql, search),
    version: (id, version) => findVersion(sql, id, version),
    versions: (id, page) => listVersions(sql, id, page),
    async create(input, context = {}) {
      const { id: _ignored, ...fields } = input;
      const { possibleDuplicates, ...patient } = await mapDuplicate(createTogether({
        id: crypto.randomUUID(),
        input: fields,
        changedBy: context.actor ?? "system",
        context,
      }));
      return { patient, possibleDuplicates };
    },
    update: (id, input, context = {}) =>
      change("update", context, (tx) =>
        updatePatient(tx, id, input, {
          changedBy: context.actor ?? "system",
          expectedVersions: context.expectedVersions,
        })),
    remove: (id, context = {}) =>
      change("remove", context, (tx) =>
        deletePatient(tx, id, {
          changedBy: context.actor ?? "system",
          expectedVersions: context.expectedVersions,
        })),
    restore: (id, context = {}) =>
      change("restore", context, (tx) => restorePatient(tx, id, context.actor ?? "system")),
  };
}
