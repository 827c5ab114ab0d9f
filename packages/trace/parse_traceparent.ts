const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The parts of a W3C `traceparent` header. */
export interface TraceParent {
  /** 32 lower-case hex digits, not all zero. */
  traceId: string;
  /** 16 lower-case hex digits. */
  spanId: string;
  /** 2 hex digits (`01`: sampled). */
  flags: string;
}

/** Parses a version-00 `traceparent`; undefined when it is missing, malformed or all zeros. */
export function parseTraceparent(value: string | null | undefined): TraceParent | undefined {
  const match = TRACEPARENT.exec(value?.trim() ?? "");
  if (!match || /^0+$/.test(match[1]!)) return undefined;
  return { traceId: match[1]!, spanId: match[2]!, flags: match[3]! };
}

/** A new random id of 32 hex digits (a trace id) or 16 (a span id). */
export function newTraceId(digits: 16 | 32 = 32): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, digits);
}
