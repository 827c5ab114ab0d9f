/**
 * The audit trail's shared half: the record every service writes and the rules that make any
 * record storable (odd text redacted or cut, large disclosures split), the middleware that records
 * each audited call before its answer leaves, the outbox with group commit, the relay to topic
 * `audit`, and the hash chain the audit service keeps.
 *
 * @module
 */
export type { AuditActor, AuditNote, AuditOutcome, AuditRecord } from "./audit_record.ts";
export { outcomeOf } from "./outcome_of.ts";
export {
  normaliseAuditRecord,
  type NormalisedAuditRecord,
  type NormaliseOptions,
} from "./normalise_audit_record.ts";
export { MAX_PATIENTS_PER_RECORD, splitAuditRecord } from "./split_audit_record.ts";
export { storableAuditRecords } from "./storable_audit_records.ts";
export { chainHash, chainLink, GENESIS_HASH } from "./chain_hash.ts";
export { groupCommit } from "./group_commit.ts";
export {
  AUDIT_CHANNEL,
  commitAuditRecords,
  default as createAuditOutbox,
  insertAuditRecords,
  publishQueuedAuditRecords,
  type QueuedAuditRecord,
  RecentOutboxRows,
} from "./audit_outbox.ts";
export { type AuditRecorder, createAuditRecorder } from "./audit_recorder.ts";
export { type AuditRelay, type AuditRelayOptions, createAuditRelay } from "./audit_relay.ts";
export {
  type AuditAction,
  auditChange,
  auditCommitted,
  auditedPatients,
  auditNote,
  auditTrail,
  type AuditTrailOptions,
  type RequestAudit,
} from "./audit_trail/mod.ts";
export { type CallContext, callContext } from "./call_context.ts";
export { disclosedPage, type PatientRecordPage } from "./disclosed_page.ts";
export { disclosedList, type DisclosedListOptions } from "./disclosed_list.ts";
export { requestPatients } from "./request_patients.ts";
export { answerChange } from "./answer_change.ts";
export { changeById } from "./change_by_id.ts";
export { type ChangeScope, commitChange } from "./commit_change.ts";
export { changedFields, type FieldEquality } from "./changed_fields.ts";
