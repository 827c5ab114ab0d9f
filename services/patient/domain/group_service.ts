import { AUDIT_CHANNEL, type AuditRecord, insertAuditRecords } from "@pms/audit";
import { signalCommit } from "@pms/worker";
import type { Sql, Tx } from "@pms/db";
import {
  addMember,
  type AddOutcome,
  deleteGroup,
  findGroup,
  type GroupKind,
  type GroupRecord,
  insertGroup,
  listGroups,
  listPatientGroups,
  type Relationship,
  removeMember,
  type RemoveOutcome,
  renameGroup,
} from "../store/group_store.ts";
import type { JsonPage, PageQuery } from "./patient_record.ts";

/** Who changes a group, and the request's audit record to commit with the change. */
export interface GroupChangeContext {
  /** The user's email (`system` when absent). */
  actor?: string;
  /** The request's `SUCCESS` record: committed in the change's transaction, if it changed. */
  audit?: AuditRecord;
}

/** Patient groups (families) and their members. */
export interface GroupService {
  /** A page of groups with their member counts. */
  list(query: PageQuery): Promise<JsonPage>;
  /** A group with its members. */
  get(id: string): Promise<GroupRecord | undefined>;
  create(
    input: { name: string; kind: GroupKind },
    context?: GroupChangeContext,
  ): Promise<GroupRecord>;
  /** Undefined when there is no such group. */
  rename(id: string, name: string, context?: GroupChangeContext): Promise<GroupRecord | undefined>;
  /** False when there is no such group; the patients stay. */
  remove(id: string, context?: GroupChangeContext): Promise<boolean>;
  addMember(
    groupId: string,
    member: { patientId: string; relationship: Relationship },
    context?: GroupChangeContext,
  ): Promise<AddOutcome>;
  removeMember(
    groupId: string,
    patientId: string,
    context?: GroupChangeContext,
  ): Promise<RemoveOutcome>;
  /** The groups of a patient (not deleted) as JSON, or undefined. */
  patientGroups(patientId: string): Promise<string | undefined>;
}

/**
 * Groups on the patient service's database. A change and its audit record (the group's id in
 * `details`, the member's patient in `patientIds`) commit in one transaction.
 */
export function createGroupService(sql: Sql): GroupService {
  const audited = async <T>(
    context: GroupChangeContext,
    write: (tx: Tx) => Promise<T>,
    record: (result: T) => { changed: boolean; patientIds?: string[]; details: object },
  ): Promise<T> => {
    let queued = false;
    // (postgres.js types a transaction's result as `UnwrapPromiseArray<T>`: the same for a `T`
    // that is no array of promises, as here.)
    const result = (await sql.begin(async (tx) => {
      const result = await write(tx);
      const what = record(result);
      if (what.changed && context.audit) {
        await insertAuditRecords(tx, [{
          ...context.audit,
          patientIds: what.patientIds ?? [],
          details: { ...context.audit.details, ...what.details },
        }]);
        queued = true;
      }
      return result;
    })) as T;
    if (queued) signalCommit(AUDIT_CHANNEL);
    return result;
  };
  return {
    list: (query) => listGroups(sql, query),
    get: (id) => findGroup(sql, id),
    patientGroups: (patientId) => listPatientGroups(sql, patientId),
    create: (input, context = {}) =>
      audited(
        context,
        (tx) => insertGroup(tx, { id: crypto.randomUUID(), ...input }),
        (group) => ({ changed: true, details: { groupId: group.id, kind: group.kind } }),
      ),
    rename: (id, name, context = {}) =>
      audited(
        context,
        (tx) => renameGroup(tx, id, name),
        (group) => ({ changed: group !== undefined, details: { groupId: id, fields: ["name"] } }),
      ),
    remove: (id, context = {}) =>
      audited(
        context,
        (tx) => deleteGroup(tx, id),
        (memberIds) => ({
          changed: memberIds !== undefined,
          patientIds: memberIds,
          details: { groupId: id },
        }),
      ).then((memberIds) => memberIds !== undefined),
    addMember: (groupId, member, context = {}) =>
      audited(
        context,
        (tx) => addMember(tx, { groupId, ...member, addedBy: context.actor ?? "system" }),
        (outcome) => ({
          changed: outcome.outcome === "added",
          patientIds: [member.patientId],
          details: { groupId, relationship: member.relationship },
        }),
      ),
    removeMember: (groupId, patientId, context = {}) =>
      audited(
        context,
        (tx) => removeMember(tx, groupId, patientId),
        (outcome) => ({
          changed: outcome === "removed",
          patientIds: [patientId],
          details: { groupId },
        }),
      ),
  };
}
