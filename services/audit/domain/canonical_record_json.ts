import canonicalize from "canonicalize";
import type { AuditActor, AuditRecord } from "@pms/audit";

/**
 * The record as the API returns it without `hash`: what the chain hashes. The recorded record
 * with the audit service's `seq`; its outcome any text a stored record holds.
 */
export interface ShownAuditRecord extends Omit<AuditRecord, "outcome"> {
  seq: number;
  outcome: string;
}

// RFC 8785 writes strings as JSON.stringify does, and refuses lone surrogates (as canonicalize).
function text(value: string): string {
  if (!value.isWellFormed()) throw new Error("Lone surrogate is not allowed");
  return JSON.stringify(value);
}

function nullableText(value: string | null): string {
  return value === null ? "null" : text(value);
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null || proto === Array.prototype) &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

function omitted(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

/**
 * RFC 8785 of a JSON value; anything but plain JSON data is left to `canonicalize` (`undefined`
 * when it has no JSON form).
 */
function value(item: unknown): string | undefined {
  switch (typeof item) {
    case "string":
      return text(item);
    case "boolean":
      return item ? "true" : "false";
    case "number":
      return Number.isFinite(item) ? JSON.stringify(item) : String(canonicalize(item));
    case "object": {
      if (item === null) return "null";
      if (!isPlain(item)) return canonicalize(item);
      if (Array.isArray(item)) {
        let out = "[";
        for (let i = 0; i < item.length; i++) {
          const element: unknown = item[i];
          if (i > 0) out += ",";
          out += omitted(element) ? "null" : (value(element) ?? "null");
        }
        return out + "]";
      }
      const object = item as Record<string, unknown>;
      // Default sort: by UTF-16 code units, as RFC 8785 orders keys.
      const keys = Object.keys(object).sort();
      let out = "{";
      let first = true;
      for (const key of keys) {
        const member = object[key];
        if (omitted(member)) continue;
        const written = value(member);
        // A toJSON that answers nothing JSON can hold drops the member.
        if (written === undefined) continue;
        out += (first ? "" : ",") + text(key) + ":" + written;
        first = false;
      }
      return out + "}";
    }
    default:
      return canonicalize(item);
  }
}

function actor(given: AuditActor | null): string {
  if (given === null) return "null";
  return `{"email":${text(given.email)},"role":${nullableText(given.role)},"userId":${
    nullableText(given.userId)
  }}`;
}

// A loop, not `every`: a hole in a sparse array is no text either.
function allText(items: unknown[]): boolean {
  for (let i = 0; i < items.length; i++) if (typeof items[i] !== "string") return false;
  return true;
}

function isShown(record: ShownAuditRecord): boolean {
  const a = record.actor;
  const nullable = (v: unknown) => v === null || typeof v === "string";
  return typeof record.id === "string" && typeof record.action === "string" &&
    typeof record.outcome === "string" && typeof record.service === "string" &&
    typeof record.time === "string" && Number.isFinite(record.seq) &&
    nullable(record.clientAddress) && nullable(record.requestId) && nullable(record.traceId) &&
    Array.isArray(record.patientIds) && allText(record.patientIds) &&
    (a === null ||
      (typeof a === "object" && isPlain(a) && Object.keys(a).length === 3 &&
        typeof a.email === "string" && nullable(a.userId) && nullable(a.role))) &&
    typeof record.details === "object" && record.details !== null &&
    !Array.isArray(record.details) && isPlain(record.details);
}

/**
 * The RFC 8785 (JCS) canonical JSON of a record as the API returns it (its fields only, `hash`
 * left out): byte for byte what `canonicalize` writes, with the record's fixed keys written in
 * their sorted order rather than sorted per record, and no cycle bookkeeping. A value of another
 * shape is handed to `canonicalize` itself. Property-tested against `canonicalize`, and against
 * hashes written before it existed.
 */
export function canonicalRecordJson(record: ShownAuditRecord): string {
  if (!isShown(record)) {
    const { hash: _hash, ...rest } = record as unknown as Record<string, unknown>;
    return canonicalize(rest) ?? "";
  }
  // One native call for the ids: JSON.stringify writes an array of well-formed strings as
  // RFC 8785 does (it would escape a lone surrogate, which canonicalize refuses: checked first,
  // joined with a comma so that two halves cannot pair up).
  if (!record.patientIds.join(",").isWellFormed()) {
    throw new Error("Lone surrogate is not allowed");
  }
  const ids = JSON.stringify(record.patientIds);
  return `{"action":${text(record.action)},"actor":${actor(record.actor)},"clientAddress":${
    nullableText(record.clientAddress)
  },"details":${value(record.details) ?? "{}"},"id":${text(record.id)},"outcome":${
    text(record.outcome)
  },"patientIds":${ids},"requestId":${nullableText(record.requestId)},"seq":${
    JSON.stringify(record.seq)
  },"service":${text(record.service)},"time":${text(record.time)},"traceId":${
    nullableText(record.traceId)
  }}`;
}
