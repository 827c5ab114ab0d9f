import { canonicalUuid } from "@pms/ids";
import type { AuditActor, AuditOutcome, AuditRecord } from "./audit_record.ts";
import {
  INVALID,
  storableDetails,
  storableNullableText,
  storableText,
  type TextRules,
} from "./_storable.ts";

/** What {@linkcode normaliseAuditRecord} makes of a value. */
export type NormalisedAuditRecord =
  | { ok: true; record: AuditRecord }
  /** Not an audit record at all (no object, no UUID `id`, no `action`, no known `outcome`). */
  | { ok: false; reason: string };

/** Options for {@linkcode normaliseAuditRecord}. */
export interface NormaliseOptions {
  /**
   * The record came from a lossy UTF-8 decode: U+FFFD stands for bytes that were not UTF-8, and
   * text holding it is stored as `[invalid]`.
   */
  lossy?: boolean;
  /** The time to store when the record's own is unusable; defaults to now. */
  now?: () => Date;
}

const OUTCOMES: readonly AuditOutcome[] = ["SUCCESS", "DENIED", "FAILED"];
const ACTION = /^[a-z][a-z.-]{0,62}[a-z]$/;
const SERVICE = /^[a-z][a-z0-9-]{0,39}$/;
// RFC 3339 with a zone, years 1970–9999: what both JavaScript and PostgreSQL write back alike.
const TIME =
  /^(19[7-9]\d|[2-9]\d{3})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

const CANONICAL = /^(19[7-9]\d|[2-9]\d{3})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The instant an RFC 3339 time stands for, when every field is in range (no 30 February). */
function instantOf(value: unknown): Date | undefined {
  // What every recording service writes (`toISOString`) needs one parse to be known good.
  if (typeof value === "string" && CANONICAL.test(value)) {
    const instant = new Date(value);
    if (!Number.isNaN(instant.getTime()) && instant.toISOString() === value) return instant;
  }
  const match = typeof value === "string" ? TIME.exec(value) : null;
  if (!match) return undefined;
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map(Number) as number[];
  const fields = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  const exact = fields.getUTCFullYear() === y && fields.getUTCMonth() === mo! - 1 &&
    fields.getUTCDate() === d && fields.getUTCHours() === h && fields.getUTCMinutes() === mi &&
    fields.getUTCSeconds() === s;
  const instant = new Date(value as string);
  return exact && /^\d{4}-/.test(instant.toISOString()) ? instant : undefined;
}

/** The bounds of a record's top-level text fields (longer text is cut). */
const LIMITS = {
  userId: 100,
  email: 320,
  role: 40,
  clientAddress: 100,
  requestId: 200,
  traceId: 64,
} as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function actorOf(value: unknown, rules: TextRules): AuditActor | null {
  if (value === null || value === undefined) return null;
  if (!isObject(value)) return { userId: null, email: INVALID, role: null };
  return {
    userId: storableNullableText(value.userId, LIMITS.userId, rules),
    email: storableText(value.email, LIMITS.email, rules),
    role: storableNullableText(value.role, LIMITS.role, rules),
  };
}

/**
 * A value read as an audit record that can be stored and hash-chained whatever it holds: the
 * same rules for the recording services (before a record enters their outbox) and for the audit
 * service (before it stores one). Text that cannot be stored as given (NUL or any other control
 * character, a bidirectional override, an unpaired surrogate) is `[invalid]`: redacted rather
 * than stripped, so that a stored value is always one that was sent (stripping would turn
 * `john<NUL>` into a plain `john`). The text `\u0000` (six characters) is ordinary text and kept.
 * Long text is cut (`…[truncated]`), `details` bounded in size, depth and breadth; patient ids
 * that are no UUIDs are counted in `details.invalidPatientIds`, repeated ones named once; an
 * unusable time is the time of storing, the one given kept as `details.recordedTime`. Only a
 * value that is not an audit record at all is refused. Idempotent.
 */
export function normaliseAuditRecord(
  value: unknown,
  options: NormaliseOptions = {},
): NormalisedAuditRecord {
  if (!isObject(value)) return { ok: false, reason: "not a JSON object" };
  const id = canonicalUuid(value.id);
  if (!id) return { ok: false, reason: "id is not a UUID" };
  if (typeof value.action !== "string" || value.action === "") {
    return { ok: false, reason: "no action" };
  }
  if (!OUTCOMES.includes(value.outcome as AuditOutcome)) {
    return { ok: false, reason: "no outcome" };
  }
  const rules = { lossy: options.lossy ?? false };
  const details = storableDetails(value.details, rules);
  const instant = instantOf(value.time);
  const time = (instant ?? options.now?.() ?? new Date()).toISOString();
  if (!instant) details.recordedTime = storableText(value.time, 64, rules);
  const named: unknown[] = Array.isArray(value.patientIds) ? value.patientIds : [];
  // A list names up to a page of patients in each record, read in the recording service and
  // again in the audit service: one pass, in the order given, each id once.
  const seen = new Set<string>();
  const patientIds: string[] = [];
  let invalidIds = value.patientIds === undefined || Array.isArray(value.patientIds) ? 0 : 1;
  for (const given of named) {
    const patientId = canonicalUuid(given);
    if (patientId === undefined) invalidIds++;
    else if (!seen.has(patientId)) {
      seen.add(patientId);
      patientIds.push(patientId);
    }
  }
  if (invalidIds > 0) details.invalidPatientIds = invalidIds;
  return {
    ok: true,
    record: {
      id,
      time,
      actor: actorOf(value.actor, rules),
      action: ACTION.test(value.action) ? value.action : INVALID,
      outcome: value.outcome as AuditOutcome,
      patientIds,
      service: typeof value.service === "string" && SERVICE.test(value.service)
        ? value.service
        : INVALID,
      clientAddress: storableNullableText(value.clientAddress, LIMITS.clientAddress, rules),
      requestId: storableNullableText(value.requestId, LIMITS.requestId, rules),
      traceId: storableNullableText(value.traceId, LIMITS.traceId, rules),
      details,
    },
  };
}
