import canonicalize from "canonicalize";
import { base64url } from "jose";

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

/** The bytes a checkpoint's signature covers: RFC 8785 JSON of `seq`, `hash`, `time`, `keyId`. */
function signedBytes(fields: Omit<Checkpoint, "signature">): Uint8Array<ArrayBuffer> {
  const { seq, hash, time, keyId } = fields;
  // The RFC author's reference implementation, as the chain's hashes use.
  return new TextEncoder().encode(canonicalize({ seq, hash, time, keyId }) ?? "");
}

/** Signs the chain's state at `seq` with the service's Ed25519 key. */
export async function signCheckpoint(
  key: { keyId: string; privateKey: CryptoKey },
  head: { seq: number; hash: string },
  time: Date = new Date(),
): Promise<Checkpoint> {
  const fields = { seq: head.seq, hash: head.hash, time: time.toISOString(), keyId: key.keyId };
  const signature = await crypto.subtle.sign("Ed25519", key.privateKey, signedBytes(fields));
  return { ...fields, signature: base64url.encode(new Uint8Array(signature)) };
}

/**
 * True when the checkpoint's signature verifies under the public key its `keyId` names among
 * `publicKeys`; false for an unknown key, a malformed signature or any changed field.
 */
export async function checkpointSignatureHolds(
  checkpoint: Checkpoint,
  publicKeys: ReadonlyMap<string, CryptoKey>,
): Promise<boolean> {
  const key = publicKeys.get(checkpoint.keyId);
  if (!key) return false;
  try {
    return await crypto.subtle.verify(
      "Ed25519",
      key,
      new Uint8Array(base64url.decode(checkpoint.signature)),
      signedBytes(checkpoint),
    );
  } catch {
    return false;
  }
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
