import type { ChainHead } from "./chain_head.ts";

/** The part of `GET /audit/verify` about checkpoints. */
export interface CheckpointReport {
  /** How many checkpoints were checked (signature, and the stored hash where it is kept). */
  checked: number;
  ok: boolean;
  /** The lowest `seq` whose checkpoint (or known head) does not hold; only when not ok. */
  firstBadSeq?: number;
}

/** A checkpoint as kept in memory: its place and hash, and whether its signature held. */
export interface CheckedCheckpoint {
  seq: number;
  hash: string;
  signatureHolds: boolean;
}

/** What the database holds at the checkpoints' places. */
export interface ChainAt {
  /** The oldest and newest `seq` stored; null when the table is empty. */
  minSeq: number | null;
  maxSeq: number | null;
  /** The oldest stored record's `prevHash` (the hash of the record before it, maybe pruned). */
  minPrevHash: string | null;
  /** Stored hashes by `seq`, for the places asked about. */
  hashes: ReadonlyMap<number, string>;
}

/**
 * Holds the checkpoints against the stored chain. A checkpoint fails when its signature does not
 * verify, when its `seq` is above the newest stored record (the newest records were deleted), or
 * when the stored hash at its `seq` differs (the chain was rewritten). A checkpoint older than the
 * oldest record kept (retention) is held against that record's `prevHash` when it is the one just
 * before it, and otherwise by its signature alone. `head`, the newest record this process stored
 * itself, is held the same way without counting as a checkpoint: records deleted before the next
 * checkpoint are found too, while the service runs.
 */
export function checkCheckpoints(
  checkpoints: readonly CheckedCheckpoint[],
  chain: ChainAt,
  head?: ChainHead,
): CheckpointReport {
  const holds = (seq: number, hash: string) => {
    if (chain.maxSeq === null || chain.minSeq === null || seq > chain.maxSeq) return false;
    if (seq >= chain.minSeq) return chain.hashes.get(seq) === hash;
    return seq === chain.minSeq - 1 ? chain.minPrevHash === hash : true;
  };
  let firstBadSeq: number | undefined;
  const bad = (seq: number) => {
    if (firstBadSeq === undefined || seq < firstBadSeq) firstBadSeq = seq;
  };
  for (const checkpoint of checkpoints) {
    if (!checkpoint.signatureHolds || !holds(checkpoint.seq, checkpoint.hash)) bad(checkpoint.seq);
  }
  if (head && !holds(head.seq, head.hash)) bad(head.seq);
  return firstBadSeq === undefined
    ? { checked: checkpoints.length, ok: true }
    : { checked: checkpoints.length, ok: false, firstBadSeq };
}
