import { z } from "@hono/zod-openapi";
import type { AuditRecord } from "@pms/audit";
import { InvalidEventError } from "@pms/events";

const text = (max: number) =>
  z.string().max(max).refine((s) => !s.includes("\u0000"), "contains NUL");

const Actor = z.object({
  userId: text(100).nullable(),
  email: text(320),
  role: text(40).nullable(),
}).openapi("AuditActor");

// What a recording service publishes: validated before it is stored, so one bad message cannot
// stop the chain (it goes to audit.DLT instead).
const Incoming = z.object({
  id: z.guid(),
  time: z.iso.datetime({ offset: true }),
  actor: Actor.nullable(),
  action: z.string().regex(/^[a-z][a-z.]{0,62}[a-z]$/),
  outcome: z.enum(["SUCCESS", "DENIED", "FAILED"]),
  patientIds: z.array(z.guid()).max(1_000),
  service: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
  clientAddress: text(100).nullable(),
  requestId: text(200).nullable(),
  traceId: text(64).nullable(),
  details: z.record(z.string(), z.unknown()),
});

/** A record as the API returns it. */
export const AuditRecordSchema = Incoming.extend({
  seq: z.number().int().openapi({ description: "Position in the chain, from 1" }),
  hash: z.string().openapi({
    description: "hex SHA-256 of the previous hash + RFC 8785 JSON of this record without hash",
  }),
}).openapi("AuditRecord");

/**
 * Decodes a message of topic `audit` (JSON, one record); throws {@linkcode InvalidEventError}
 * for anything else, so the consumer sends it to `audit.DLT` and goes on.
 */
export function decodeAuditRecord(value: Uint8Array | null): AuditRecord {
  if (!value) throw new InvalidEventError("empty message");
  let parsed: unknown;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(value);
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidEventError("not JSON");
  }
  // PostgreSQL text refuses NUL; JSON can only carry it escaped.
  if (text.includes("\\u0000")) throw new InvalidEventError("contains NUL");
  const result = Incoming.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidEventError(`invalid audit record: ${issue?.path.join(".")} ${issue?.message}`);
  }
  return result.data as AuditRecord;
}
