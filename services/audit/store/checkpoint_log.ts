import type { Checkpoint } from "../domain/checkpoint.ts";
import { checkpointSignatureHolds } from "../domain/checkpoint_signature_holds.ts";
import type { CheckedCheckpoint } from "../domain/check_checkpoints.ts";

/** A page of checkpoints as the JSON array the API sends, and how many there are. */
export interface CheckpointPage {
  json: string;
  total: number;
}

/**
 * The checkpoints the service knows, in memory: read back from outside the database at start
 * (the file, the topic replayed from its beginning) and kept current by its own writes and the
 * topic. Each is kept once (the same five fields); its signature is checked as it arrives.
 */
export interface CheckpointLog {
  /** Adds a checkpoint unless known; resolves with true when it was new. */
  add(checkpoint: Checkpoint): Promise<boolean>;
  /** The newest checkpoint (highest `seq`) whose signature holds, if any. */
  newest(): Checkpoint | undefined;
  /** Every checkpoint, oldest first, with whether its signature held. */
  checked(): CheckedCheckpoint[];
  /** A page, newest first. */
  page(page: { page: number; size: number }): CheckpointPage;
}

interface Entry {
  checkpoint: Checkpoint;
  json: string;
  signatureHolds: boolean;
}

/** An empty log whose checkpoints are verified with `publicKeys` (by key id). */
export function createCheckpointLog(publicKeys: ReadonlyMap<string, CryptoKey>): CheckpointLog {
  // Oldest first by seq (then time); checkpoints arrive nearly in order, so inserting is cheap.
  const entries: Entry[] = [];
  const known = new Set<string>();
  const before = (a: Checkpoint, b: Checkpoint) =>
    a.seq < b.seq || (a.seq === b.seq && a.time < b.time);
  return {
    async add(checkpoint) {
      const { seq, hash, time, keyId, signature } = checkpoint;
      // Every field: a copy with one field changed is another (failing) checkpoint.
      const json = JSON.stringify({ seq, hash, time, keyId, signature });
      if (known.has(json)) return false;
      known.add(json);
      const signatureHolds = await checkpointSignatureHolds(checkpoint, publicKeys);
      const entry = { checkpoint, json, signatureHolds };
      let at = entries.length;
      while (at > 0 && before(checkpoint, entries[at - 1]!.checkpoint)) at--;
      entries.splice(at, 0, entry);
      return true;
    },
    newest() {
      for (let i = entries.length - 1; i >= 0; i--) {
        if (entries[i]!.signatureHolds) return entries[i]!.checkpoint;
      }
      return undefined;
    },
    checked() {
      return entries.map(({ checkpoint, signatureHolds }) => ({
        seq: checkpoint.seq,
        hash: checkpoint.hash,
        signatureHolds,
      }));
    },
    page({ page, size }) {
      const end = Math.max(0, entries.length - page * size);
      const start = Math.max(0, end - size);
      const json = `[${entries.slice(start, end).reverse().map((e) => e.json).join(",")}]`;
      return { json, total: entries.length };
    },
  };
}
