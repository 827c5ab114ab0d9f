import { base64url } from "jose";
import { checkpointBytes } from "./_checkpoint_bytes.ts";
import type { Checkpoint } from "./checkpoint.ts";

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
      checkpointBytes(checkpoint),
    );
  } catch {
    return false;
  }
}
