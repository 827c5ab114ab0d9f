import type { ChainHead } from "./chain_head.ts";
import {
  type ChainAt,
  checkCheckpoints,
  type CheckedCheckpoint,
  type CheckpointReport,
} from "./check_checkpoints.ts";

/** What {@linkcode createCheckpointEvidence} reads. */
export interface CheckpointEvidenceSources {
  /** The known checkpoints, oldest first, with whether each signature held. */
  checkpoints(): CheckedCheckpoint[];
  /** The newest record this process stored itself, if any. */
  head(): ChainHead | undefined;
  /** Resolves once the checkpoints were read back at start. */
  loaded(): Promise<void>;
  /** The stored chain at these places (the audit database). */
  chainAt(seqs: number[]): Promise<ChainAt>;
}

/** The checkpoints held against the stored chain, for `GET /audit/verify`. */
export interface CheckpointEvidence {
  check(): Promise<CheckpointReport>;
}

/**
 * Holds the checkpoints kept outside the database against the chain inside it (see
 * {@linkcode checkCheckpoints}). The checkpoints and the head are taken before the database is
 * read: records only grow while it is read, so a genuine checkpoint never looks deleted.
 */
export function createCheckpointEvidence(sources: CheckpointEvidenceSources): CheckpointEvidence {
  return {
    async check() {
      await sources.loaded();
      const checkpoints = sources.checkpoints();
      const head = sources.head();
      const seqs = checkpoints.map((c) => c.seq);
      if (head) seqs.push(head.seq);
      return checkCheckpoints(checkpoints, await sources.chainAt(seqs), head);
    },
  };
}
