// RFC 8785 (JCS) from a well-kept library rather than a hand-written serializer.
import canonicalize from "canonicalize";
import { encodeHex } from "./_hex.ts";

/** The four fields of a clinical note that its signature covers. */
export interface NoteContent {
  subjective: string;
  objective: string;
  assessment: string;
  plan: string;
}

/** Hex SHA-256 of the RFC 8785 canonical JSON of a note's four fields. */
export async function contentHash(note: NoteContent): Promise<string> {
  const json = canonicalize({
    subjective: note.subjective,
    objective: note.objective,
    assessment: note.assessment,
    plan: note.plan,
  })!;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(json));
  return encodeHex(new Uint8Array(digest));
}
