import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

/** The `prevHash` of the first record: 64 zeros. */
export const GENESIS_HASH: string = "0".repeat(64);

/**
 * A record's link in the chain: hex SHA-256 of `prevHash` followed by the RFC 8785 (JCS)
 * canonical JSON of the record as the API returns it, without `hash`. `canonicalize` is the
 * reference implementation by the RFC's author.
 */
export function chainHash(prevHash: string, record: object): string {
  const { hash: _hash, ...rest } = record as Record<string, unknown>;
  return chainLink(prevHash, canonicalize(rest) ?? "");
}

/**
 * {@linkcode chainHash} of a record whose canonical JSON is already written (by a serializer
 * specialised to the record's shape, byte-identical to `canonicalize`).
 */
export function chainLink(prevHash: string, canonicalJson: string): string {
  // node:crypto, synchronous: thousands of small records a second, no promise per record.
  return createHash("sha256").update(prevHash).update(canonicalJson).digest("hex");
}
