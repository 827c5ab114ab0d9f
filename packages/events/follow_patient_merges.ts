import { isExclusionViolation, type Sql, type Tx } from "@pms/db";
import type postgres from "postgres";
import type { PatientEvent } from "./patient_event.ts";
import type { ReceivedEvent } from "./start_event_consumer.ts";

/** A transaction (savepoints need one). */
type Transaction = postgres.TransactionSql;

const TABLES = `
create table patient_merge_events (
  event_id uuid primary key,
  processed_at timestamptz not null default now()
);
create table patient_merge_moves (
  source_id uuid not null,
  target_id uuid not null,
  record_table text not null,
  record_id uuid not null,
  moved_at timestamptz not null default now(),
  primary key (source_id, record_table, record_id)
);`;

/**
 * The migration of the two tables {@linkcode followPatientMerges} needs: `patient_merge_events`
 * (the merge events applied, so a redelivery changes nothing) and `patient_merge_moves` (which
 * records a merge moved, so an unmerge moves back exactly those).
 */
export async function createPatientMergeTables(sql: Tx): Promise<void> {
  await sql.unsafe(TABLES);
}

/**
 * Re-points the rows `ids` of `table` from patient `from` to `to` (version + 1): in one statement,
 * or, when that would violate an exclusion constraint (an appointment at a time the other patient
 * is booked), row by row, leaving the rows that would clash where they are. The ids moved.
 */
async function repoint(
  tx: Transaction,
  table: string,
  ids: string[],
  from: string,
  to: string,
): Promise<string[]> {
  /** The rows moved, or undefined when the move would clash (rolled back to its savepoint). */
  const attempt = async (some: string[]) => {
    try {
      const rows = await tx.savepoint((sp) =>
        sp<{ id: string }[]>`
          update ${sp(table)} set patient_id = ${to}, version = version + 1, updated_at = now()
          where id = any(${some}::uuid[]) and patient_id = ${from}
          returning id::text as id`
      );
      return rows.map((row) => row.id);
    } catch (error) {
      if (!isExclusionViolation(error)) throw error;
      return undefined;
    }
  };
  if (ids.length === 0) return [];
  const all = await attempt(ids);
  if (all) return all;
  const done: string[] = [];
  for (const id of ids) done.push(...(await attempt([id]) ?? []));
  return done;
}

/**
 * What a service does, in the event's transaction, when patient `source` is merged into `target`
 * and when that merge is undone.
 */
export interface PatientMergeMoves {
  merge(tx: Transaction, source: string, target: string): Promise<void>;
  unmerge(tx: Transaction, source: string, target: string): Promise<void>;
}

/**
 * The moves of rows of `tables`: a merge re-points the source's rows to the target, recording
 * each one moved; its undoing moves back exactly those (the ones still with the target).
 */
function tableMoves(tables: string[]): PatientMergeMoves {
  return {
    async merge(tx, source, target) {
      for (const table of tables) {
        const rows = await tx<{ id: string }[]>`
          select id::text as id from ${tx(table)} where patient_id = ${source} order by id`;
        const ids = await repoint(tx, table, rows.map((r) => r.id), source, target);
        if (ids.length === 0) continue;
        await tx`
          insert into patient_merge_moves (source_id, target_id, record_table, record_id)
          select ${source}, ${target}, ${table}, unnest(${ids}::uuid[])
          on conflict do nothing`;
      }
    },
    async unmerge(tx, source, target) {
      for (const table of tables) {
        const rows = await tx<{ id: string }[]>`
          delete from patient_merge_moves
          where source_id = ${source} and target_id = ${target} and record_table = ${table}
          returning record_id::text as id`;
        await repoint(tx, table, rows.map((r) => r.id), target, source);
      }
    },
  };
}

/**
 * The handler of topic `patient` in a service that keeps records of patients: a
 * `PATIENT_MERGED` event re-points the source's rows of `tables` to the target (recording which),
 * a `PATIENT_UNMERGED` moves exactly those back; each event once (its id recorded in the same
 * transaction), other events ignored. The tables need `id`, `patient_id`, `version` and
 * `updated_at`; the service's migration runs {@linkcode createPatientMergeTables}. A service
 * whose records move otherwise gives its own `moves` instead of tables.
 */
export function followPatientMerges(sql: Sql, moves: string[] | PatientMergeMoves) {
  const { merge, unmerge } = Array.isArray(moves) ? tableMoves(moves) : moves;
  return async function followPatientMerges(
    received: ReceivedEvent<PatientEvent>[],
  ): Promise<void> {
    const merges = received.filter(({ event }) =>
      (event.eventType === "PATIENT_MERGED" || event.eventType === "PATIENT_UNMERGED") &&
      event.mergedInto !== undefined
    );
    if (merges.length === 0) return;
    await sql.begin(async (tx) => {
      for (const { event } of merges) {
        const [fresh] = await tx`
          insert into patient_merge_events (event_id) values (${event.eventId})
          on conflict do nothing returning event_id`;
        if (!fresh) continue;
        const apply = event.eventType === "PATIENT_MERGED" ? merge : unmerge;
        await apply(tx, event.patientId, event.mergedInto!);
      }
    });
  };
}
