import canonicalize from "canonicalize";

/** The `prevHash` of the first record: 64 zeros. */
export const GENESIS_HASH: string = "0".repeat(64);

/**
 * A record's link in the chain: hex SHA-256 of `prevHash` followed by the RFC 8785 (JCS)
 * canonical JSON of the record as the API returns it, without `hash`. `canonicalize` is the
 * reference implementation by the RFC's author.
 */
export async function chainHash(prevHash: string, record: object): Promise<string> {
  const { hash: _hash, ...rest } = record as Record<string, unknown>;
  const text = prevHash + canonicalize(rest);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
