/**
 * A signed statement that the chain's record `seq` had hash `hash` at `time`: written outside
 * the audit database, so deleting the newest records or rewriting the chain behind the service's
 * back no longer goes unnoticed. `signature` is Ed25519 (base64url, unpadded) over the RFC 8785
 * JSON of the other four fields; `keyId` is the RFC 7638 thumbprint of the public key.
 */
export interface Checkpoint {
  seq: number;
  hash: string;
  /** RFC 3339 UTC, when it was signed. */
  time: string;
  keyId: string;
  signature: string;
}

/** A checkpoint read back from the topic or the file, or undefined when it is not one. */
export function parseCheckpoint(value: unknown): Checkpoint | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { seq, hash, time, keyId, signature } = value as Record<string, unknown>;
  if (
    typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1 ||
    typeof hash !== "string" || typeof time !== "string" ||
    typeof keyId !== "string" || typeof signature !== "string"
  ) {
    return undefined;
  }
  return { seq, hash, time, keyId, signature };
}
