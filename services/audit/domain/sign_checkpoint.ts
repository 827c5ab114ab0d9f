import { base64url } from "jose";
import { checkpointBytes } from "./_checkpoint_bytes.ts";
import type { Checkpoint } from "./checkpoint.ts";
import type { ChainHead } from "./chain_head.ts";

/** Signs the chain's state at `head.seq` with the service's Ed25519 key. */
export async function signCheckpoint(
  key: { keyId: string; privateKey: CryptoKey },
  head: ChainHead,
  time: Date = new Date(),
): Promise<Checkpoint> {
  const fields = { seq: head.seq, hash: head.hash, time: time.toISOString(), keyId: key.keyId };
  const signature = await crypto.subtle.sign("Ed25519", key.privateKey, checkpointBytes(fields));
  return { ...fields, signature: base64url.encode(new Uint8Array(signature)) };
}
