import { z } from "@hono/zod-openapi";
import { type AuditRecord, MAX_PATIENTS_PER_RECORD, normaliseAuditRecord } from "@pms/audit";
import { InvalidEventError } from "@pms/events";

// What the service stores (see decodeAuditRecord): text redacted as `[invalid]` or cut to fit.
const text = (max: number) => z.string().max(max);

const Actor = z.object({
  userId: text(100).nullable(),
  email: text(320),
  role: text(40).nullable(),
}).openapi("AuditActor");

// A record as stored.
const Stored = z.object({
  id: z.guid(),
  time: z.iso.datetime({ offset: true }),
  actor: Actor.nullable(),
  action: z.string().openapi({ example: "patient.read" }),
  outcome: z.enum(["SUCCESS", "DENIED", "FAILED"]),
  patientIds: z.array(z.guid()).max(MAX_PATIENTS_PER_RECORD),
  service: z.string().openapi({ example: "patient" }),
  clientAddress: text(100).nullable(),
  requestId: text(200).nullable(),
  traceId: text(64).nullable(),
  details: z.record(z.string(), z.unknown()),
});

/** A record as the API returns it. */
export const AuditRecordSchema = Stored.extend({
  seq: z.number().int().openapi({ description: "Position in the chain, from 1" }),
  hash: z.string().openapi({
    description: "hex SHA-256 of the previous hash + RFC 8785 JSON of this record without hash",
  }),
}).openapi("AuditRecord");

// One decoder each for every message (decode() without `stream` keeps no state between calls).
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });
const LOSSY_UTF8 = new TextDecoder("utf-8");

/**
 * Decodes a message of topic `audit` (JSON, one record) into a record that can be stored: odd
 * text redacted (`[invalid]`) or cut, as `normaliseAuditRecord` says, never refused for its
 * content (a real NUL arrives as the JSON escape `\u0000`, which PostgreSQL's jsonb refuses: it
 * is redacted once parsed; the six characters `\u0000` are ordinary text). Bytes that are not
 * UTF-8 are read with U+FFFD in their place and the text holding them redacted. Throws
 * {@linkcode InvalidEventError} only for what is not an audit record at all (empty, not JSON, no
 * UUID `id`, no `action`, no known `outcome`): the consumer sends it to `audit.DLT` and goes on.
 */
export function decodeAuditRecord(value: Uint8Array | null): AuditRecord {
  if (!value || value.length === 0) throw new InvalidEventError("empty message");
  let text: string;
  let lossy = false;
  try {
    text = STRICT_UTF8.decode(value);
  } catch {
    text = LOSSY_UTF8.decode(value);
    lossy = true;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidEventError("not JSON");
  }
  const result = normaliseAuditRecord(parsed, { lossy });
  if (!result.ok) throw new InvalidEventError(`not an audit record: ${result.reason}`);
  return result.record;
}
