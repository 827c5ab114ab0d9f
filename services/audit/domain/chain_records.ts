import { type AuditRecord, chainLink } from "@pms/audit";
import { canonicalRecordJson, type ShownAuditRecord } from "./canonical_record_json.ts";
import type { ChainHead } from "./chain_head.ts";

/** A row of `audit_records`: a record numbered and chained, one column per field. */
export interface AuditRow {
  seq: number;
  id: string;
  time: string;
  actor_user_id: string | null;
  actor_email: string | null;
  actor_role: string | null;
  action: string;
  outcome: string;
  patient_ids: string[];
  service: string;
  client_address: string | null;
  request_id: string | null;
  trace_id: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/**
 * The record as the API returns it (the object that is hashed, with `seq`, without `hash`).
 * `record` is `normaliseAuditRecord`'s (what `AuditStore.append` chains): its ids are in lower
 * case and its time is `toISOString()`'s already, so they are taken as they are.
 */
export function shownRecord(record: AuditRecord, seq: number): ShownAuditRecord {
  return {
    id: record.id,
    seq,
    time: record.time,
    actor: record.actor
      ? {
        userId: record.actor.userId ?? null,
        email: record.actor.email,
        role: record.actor.role ?? null,
      }
      : null,
    action: record.action,
    outcome: record.outcome,
    patientIds: record.patientIds,
    service: record.service,
    clientAddress: record.clientAddress ?? null,
    requestId: record.requestId ?? null,
    traceId: record.traceId ?? null,
    details: record.details ?? {},
  };
}

/**
 * The rows of `records` (normalised ones, see {@linkcode shownRecord}) not in `known` (ids, lower case; ids chained here are
 * added), numbered from `head.seq + 1` and chained from `head.hash`.
 */
export function chainRecords(
  records: readonly AuditRecord[],
  head: ChainHead,
  known: Set<string>,
): AuditRow[] {
  let seq = head.seq;
  let prev = head.hash;
  const rows: AuditRow[] = [];
  for (const record of records) {
    const id = record.id;
    if (known.has(id)) continue;
    known.add(id);
    const shown = shownRecord(record, ++seq);
    const hash = chainLink(prev, canonicalRecordJson(shown));
    rows.push({
      seq: shown.seq,
      id: shown.id,
      time: shown.time,
      actor_user_id: shown.actor?.userId ?? null,
      actor_email: shown.actor?.email ?? null,
      actor_role: shown.actor?.role ?? null,
      action: shown.action,
      outcome: shown.outcome,
      patient_ids: shown.patientIds,
      service: shown.service,
      client_address: shown.clientAddress,
      request_id: shown.requestId,
      trace_id: shown.traceId,
      details: shown.details,
      prev_hash: prev,
      hash,
    });
    prev = hash;
  }
  return rows;
}
