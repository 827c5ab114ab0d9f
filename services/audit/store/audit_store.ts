import {
  type AuditRecord,
  chainLink,
  GENESIS_HASH,
  splitAuditRecord,
  storableAuditRecords,
} from "@pms/audit";
import type { Sql, Tx } from "@pms/db";
import { canonicalRecordJson } from "../domain/canonical_record_json.ts";
import type { ChainHead } from "../domain/chain_head.ts";
import { chainRecords } from "../domain/chain_records.ts";

// One writer at a time numbers the records and extends the chain (consumer and own reads).
const CHAIN_LOCK = 0x61756431;

/** A record as the API returns it: numbered and chained. */
export interface StoredAuditRecord extends AuditRecord {
  seq: number;
  hash: string;
}

/** Filters of `GET /audit` (all optional; `action` may end in `*`). */
export interface AuditFilter {
  patientId?: string;
  /** A user id or an email. */
  actor?: string;
  action?: string;
  outcome?: string;
  /** Inclusive. */
  from?: string;
  /** Exclusive. */
  to?: string;
  /** Only records naming this patient with outcome SUCCESS (disclosures). */
  disclosuresOf?: string;
}

/** A page as the JSON array the API sends, and how many records match. */
export interface AuditPage {
  json: string;
  total: number;
}

/** What `verify` finds. */
export interface ChainReport {
  ok: boolean;
  records: number;
  lastHash: string | null;
  firstBadId?: string;
}

/** Options of {@linkcode AuditStore.append}. */
export interface AppendOptions {
  /** Every record is `normaliseAuditRecord`'s output, unchanged since (default false). */
  normalised?: boolean;
}

/**
 * What {@linkcode AuditStore.append} chains of `records`: each made storable, or, when they are
 * normalised already, only split. Normalising is idempotent, so a normalised record needs only
 * its split (a no-op below 1,000 patients), which saves a second pass over every text field and
 * patient id.
 */
export function recordsToAppend(
  records: AuditRecord[],
  options: AppendOptions = {},
): AuditRecord[] {
  return options.normalised
    ? records.flatMap((record) => splitAuditRecord(record))
    : storableAuditRecords(records);
}

/** The audit trail's storage. */
export interface AuditStore {
  /**
   * Appends the records not stored yet (by id), numbered and chained; resolves with how many.
   * Each is made storable first (odd text redacted or cut, more than 1,000 patients split): the
   * hash covers what is stored. Records that `normaliseAuditRecord` made (`decodeAuditRecord`'s)
   * may say so (`normalised: true`): they are then only split, not normalised a second time.
   */
  append(records: AuditRecord[], options?: AppendOptions): Promise<number>;
  /** A page, newest first. */
  list(filter: AuditFilter, page: { page: number; size: number }): Promise<AuditPage>;
  /** Recomputes every hash in order; names the first record that does not match. */
  verify(): Promise<ChainReport>;
  /** Deletes records older than `cutoff` (retention); resolves with how many went. */
  prune(cutoff: Date): Promise<number>;
}

// The record rebuilt from its columns, exactly as `normalise` made it.
const RECORD_JSON = `json_build_object(
  'id', id, 'seq', seq,
  'time', to_char(time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'actor', case when actor_email is null then null
           else json_build_object('userId', actor_user_id, 'email', actor_email,
                                  'role', actor_role) end,
  'action', action, 'outcome', outcome, 'patientIds', to_json(patient_ids),
  'service', service, 'clientAddress', client_address, 'requestId', request_id,
  'traceId', trace_id, 'details', details, 'hash', hash)`;

function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + "%";
}

function whereOf(sql: Tx, filter: AuditFilter) {
  const parts = [sql`true`];
  if (filter.patientId) parts.push(sql`patient_ids @> array[${filter.patientId}]::uuid[]`);
  if (filter.disclosuresOf) {
    parts.push(sql`patient_ids @> array[${filter.disclosuresOf}]::uuid[] and outcome = 'SUCCESS'`);
  }
  if (filter.actor) {
    parts.push(
      sql`(actor_user_id = ${filter.actor} or lower(actor_email) = lower(${filter.actor}))`,
    );
  }
  if (filter.action) {
    parts.push(
      filter.action.endsWith("*")
        ? sql`action like ${likePrefix(filter.action.slice(0, -1))}`
        : sql`action = ${filter.action}`,
    );
  }
  if (filter.outcome) parts.push(sql`outcome = ${filter.outcome}`);
  if (filter.from) parts.push(sql`time >= ${utcTime(filter.from)}::timestamptz`);
  if (filter.to) parts.push(sql`time < ${utcTime(filter.to)}::timestamptz`);
  return parts.reduce((all, part) => sql`${all} and ${part}`);
}

/**
 * A filter's time as PostgreSQL should read it: a date alone is that day's start in UTC (the
 * contract's times are UTC), not in the database session's time zone.
 */
function utcTime(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value.toUpperCase();
}

/** Options for {@linkcode createAuditStore}. */
export interface AuditStoreOptions {
  /** Told the chain's new head after each append that stored records, once it is committed. */
  onAppended?(head: ChainHead): void;
  /**
   * Told when the stored chain's head is behind the newest record this store committed (records
   * at the top were deleted or rewritten); the append then chains from its own.
   */
  onHeadBehind?(stored: ChainHead | undefined, committed: ChainHead): void;
}

/**
 * The head an append chains from: the stored one, unless it is behind the newest record this
 * process committed (a lower `seq`, or the same `seq` with another hash). Numbers only grow and
 * retention removes only the oldest, so that is a deletion or a rewrite at the top; chaining from
 * the stored head would reuse the removed numbers and hide it. Chaining from the committed one
 * leaves the gap or the broken link in the chain, where verification finds it for good.
 */
export function chainBase(
  stored: ChainHead | undefined,
  committed: ChainHead | undefined,
): { head: ChainHead; behind: boolean } {
  const head = stored ?? { seq: 0, hash: GENESIS_HASH };
  if (!committed) return { head, behind: false };
  const behind = head.seq < committed.seq ||
    (head.seq === committed.seq && head.hash !== committed.hash);
  return behind ? { head: committed, behind } : { head, behind };
}

/** The audit trail on the service's own database. */
export function createAuditStore(sql: Sql, options: AuditStoreOptions = {}): AuditStore {
  // The newest record this store committed: what the next append must follow at the least.
  let committed: ChainHead | undefined;
  return {
    async append(given, appendOptions = {}) {
      const records = recordsToAppend(given, appendOptions);
      if (records.length === 0) return 0;
      let newHead: ChainHead | undefined;
      const stored = await sql.begin(async (tx) => {
        // The known-id lookup must use the unique index: a table that grew since it was last
        // analysed would otherwise be scanned whole for every batch.
        await tx`
          select pg_advisory_xact_lock(${CHAIN_LOCK}), set_config('enable_seqscan', 'off', true)`;
        // Normalised records: their ids are in lower case already.
        const ids = [...new Set(records.map((r) => r.id))];
        // The ids already stored and the chain's head, in one round trip.
        const [found] = await tx<{ head: string | null; hash: string | null; known: string[] }[]>`
          select h.seq::text as head, h.hash,
                 (select coalesce(array_agg(id::text), '{}') from audit_records
                  where id = any(${ids}::uuid[])) as known
          from (select 1) one
          left join lateral (
            select seq, hash from audit_records order by seq desc limit 1) h on true`;
        const known = new Set<string>(found?.known ?? []);
        const stored = found?.head != null && found.hash != null
          ? { seq: Number(found.head), hash: found.hash }
          : undefined;
        const base = chainBase(stored, committed);
        if (base.behind) options.onHeadBehind?.(stored, base.head);
        const rows = chainRecords(records, base.head, known);
        if (rows.length === 0) return 0;
        const last = rows[rows.length - 1]!;
        newHead = { seq: last.seq, hash: last.hash };
        await tx`
          insert into audit_records
          select * from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) as r(
            seq bigint, id uuid, time timestamptz, actor_user_id text, actor_email text,
            actor_role text, action text, outcome text, patient_ids uuid[], service text,
            client_address text, request_id text, trace_id text, details jsonb,
            prev_hash text, hash text)`;
        return rows.length;
      });
      if (newHead) {
        committed = newHead;
        options.onAppended?.(newHead);
      }
      return stored;
    },

    async list(filter, page) {
      const where = whereOf(sql, filter);
      // Unfiltered, the total is the span of `seq` (numbered without gaps; retention removes only
      // the oldest): two index lookups instead of counting every record kept.
      const total = Object.values(filter).some(Boolean)
        ? sql`(select count(*) from audit_records where ${where})`
        : sql`(select coalesce(max(seq) - min(seq) + 1, 0) from audit_records)`;
      const [row] = await sql<{ json: string; total: number }[]>`
        select coalesce(json_agg(r.j order by r.time desc, r.seq desc), '[]')::text as json,
               ${total}::int as total
        from (select ${sql.unsafe(RECORD_JSON)} as j, time, seq from audit_records
              where ${where}
              order by time desc, seq desc
              limit ${page.size} offset ${page.page * page.size}) r`;
      return { json: row?.json ?? "[]", total: row?.total ?? 0 };
    },

    async verify() {
      let records = 0;
      let expectedPrev: string | undefined;
      let expectedSeq: number | undefined;
      let lastHash: string | null = null;
      let firstBadId: string | undefined;
      const cursor = sql<{ j: string; prev_hash: string }[]>`
        select ${sql.unsafe(RECORD_JSON)}::text as j, prev_hash from audit_records
        order by seq`.cursor(1_000);
      for await (const rows of cursor) {
        for (const row of rows) {
          records++;
          const record = JSON.parse(row.j) as StoredAuditRecord;
          lastHash = record.hash;
          if (firstBadId) continue;
          // The first record kept links to 64 zeros (seq 1) or to a pruned one.
          const prev = expectedPrev ?? (record.seq === 1 ? GENESIS_HASH : row.prev_hash);
          const intact = row.prev_hash === prev &&
            (expectedSeq === undefined || record.seq === expectedSeq) &&
            chainLink(prev, canonicalRecordJson(record)) === record.hash;
          if (!intact) firstBadId = record.id;
          expectedPrev = record.hash;
          expectedSeq = record.seq + 1;
        }
      }
      return firstBadId
        ? { ok: false, records, lastHash, firstBadId }
        : { ok: true, records, lastHash };
    },

    async prune(cutoff) {
      const [row] = await sql<{ n: string }[]>`
        select prune_audit_records(${cutoff.toISOString()}::timestamptz)::text as n`;
      return Number(row?.n ?? 0);
    },
  };
}
