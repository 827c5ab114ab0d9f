import canonicalize from "canonicalize";
import type { Checkpoint } from "./checkpoint.ts";

/** The bytes a checkpoint's signature covers: RFC 8785 JSON of `seq`, `hash`, `time`, `keyId`. */
export function checkpointBytes(fields: Omit<Checkpoint, "signature">): Uint8Array<ArrayBuffer> {
  const { seq, hash, time, keyId } = fields;
  // The RFC author's reference implementation, as the chain's hashes use.
  return new TextEncoder().encode(canonicalize({ seq, hash, time, keyId }) ?? "");
}
