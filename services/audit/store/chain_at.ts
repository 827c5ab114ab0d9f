import type { Sql } from "@pms/db";
import type { ChainAt } from "../domain/check_checkpoints.ts";

// Checkpoints are few next to records (one per 1,000 or per minute); asked for in chunks.
const CHUNK = 10_000;

/**
 * Reads the stored chain where checkpoints point: the oldest and newest `seq`, the oldest
 * record's `prevHash`, and the stored hash at each of `seqs` (primary-key lookups).
 */
export async function readChainAt(sql: Sql, seqs: readonly number[]): Promise<ChainAt> {
  const [ends] = await sql<{ min: string | null; max: string | null; prev: string | null }[]>`
    select (select min(seq) from audit_records)::text as min,
           (select max(seq) from audit_records)::text as max,
           (select prev_hash from audit_records order by seq limit 1) as prev`;
  const hashes = new Map<number, string>();
  const wanted = [...new Set(seqs)];
  for (let start = 0; start < wanted.length; start += CHUNK) {
    const chunk = wanted.slice(start, start + CHUNK);
    const rows = await sql<{ seq: string; hash: string }[]>`
      select seq::text, hash from audit_records where seq = any(${chunk}::bigint[])`;
    for (const row of rows) hashes.set(Number(row.seq), row.hash);
  }
  return {
    minSeq: ends?.min == null ? null : Number(ends.min),
    maxSeq: ends?.max == null ? null : Number(ends.max),
    minPrevHash: ends?.prev ?? null,
    hashes,
  };
}
